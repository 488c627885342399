import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { openDatabase, type DatabaseHandle } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { buildApp } from '@shikaku/jlis/app';
import { createLogger } from '@shikaku/platform/logger';
import { buildProgram } from '../program.js';

const CONTROL_KEY = 'cli-jlis-control-key';

describe('shikaku jlis', () => {
  let handle: DatabaseHandle;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url = '';
  beforeAll(async () => {
    handle = await openDatabase({});
    await migrateToLatest(handle);
    app = await buildApp(
      {
        host: '127.0.0.1',
        port: 0,
        databaseUrl: undefined,
        logLevel: 'silent',
        serviceKey: 'cli-jlis-service-key',
        controlKey: CONTROL_KEY,
        faults: { latencyMs: 0, errorRate: 0, down: false },
      },
      {
        handle,
        clock: fixedClock(new Date('2021-07-15T00:00:00Z')),
        logger: createLogger({ name: 'jlis', level: 'silent' }),
      },
    );
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await handle.close();
  });

  const run = async (...args: string[]) => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync([
        'node',
        'shikaku',
        'jlis',
        '--url',
        url,
        '--control-key',
        CONTROL_KEY,
        ...args,
      ]);
      return out.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      out.mockRestore();
    }
  };

  it('adds, changes and removes a resident; a bad record is a clear error', async () => {
    const add = [
      'resident',
      'add',
      '123456789018',
      '--name',
      '資格 三郎',
      '--kana',
      'シカク サブロウ',
    ];
    await run(
      ...add,
      '--birth-date',
      '2021-03-01',
      '--sex',
      '1',
      '--address',
      '東京都千代田区霞が関1-2-2',
    );
    expect(
      await run('resident', 'change', '123456789018', '--address', '大阪府大阪市北区梅田3-1-3'),
    ).toContain('大阪府大阪市北区梅田3-1-3');
    await expect(
      run(...add, '--birth-date', '2021-13-01', '--sex', '1', '--address', 'x'),
    ).rejects.toMatchObject({
      code: 'INVALID_RESIDENT',
      message: expect.stringContaining('birthDate'),
    });
    await expect(run('resident', 'change', '123456789018')).rejects.toMatchObject({
      code: 'NOTHING_TO_CHANGE',
    });
    expect(await run('resident', 'remove', '123456789018')).toContain('"ok":true');
    await expect(run('resident', 'remove', '123456789018')).rejects.toMatchObject({
      code: 'RESIDENT_NOT_FOUND',
    });
  });
});
