import { readdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@shikaku/platform/logger';
import {
  FAKE_SERVICE_KEY,
  type FakeEligibility,
  startFakeEligibility,
} from '@shikaku/reader-emulator/testing/fake-eligibility';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackComponent } from './component.js';
import { readerEmulatorComponent } from './reader-emulator.js';
import { startStack } from './run-stack.js';

// Stands in for eligibility-api's stack component: its URL is the fake's.
const fakeEligibilityComponent = (fake: FakeEligibility): StackComponent => ({
  name: 'eligibility-api',
  title: 'fake eligibility-api',
  portOffset: 2,
  start: async () => ({ url: fake.url, notes: [], close: async () => undefined }),
});

describe('reader-emulator in the stack', () => {
  let fake: FakeEligibility;
  let dataDir: string;
  beforeEach(async () => {
    fake = await startFakeEligibility();
    dataDir = await mkdtemp(join(tmpdir(), 'stack-reader-'));
  });
  afterEach(async () => {
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const options = () => ({
    host: '127.0.0.1',
    basePort: 0,
    asOf: '2021-10-20',
    seed: 1,
    members: 200,
    dataDir,
    memory: true,
    databaseUrl: undefined,
    only: undefined,
    logger: createLogger({ name: 'test', level: 'silent' }),
    // The fake checks its own key, as eligibility-api checks the stack's.
    serviceKey: FAKE_SERVICE_KEY,
  });

  it(
    'starts one reader per facility type with provisioned credentials and terminal folders',
    { timeout: 60_000 },
    async () => {
      const stack = await startStack(
        [fakeEligibilityComponent(fake), readerEmulatorComponent],
        options(),
      );
      try {
        const reader = stack.components.find((c) => c.name === 'reader-emulator')!;
        const listed = (await (await fetch(`${reader.url}/v1/readers`)).json()) as {
          readers: Array<{ id: string; model: { id: string }; institutionCode: string }>;
        };
        expect(listed.readers.map((r) => r.id)).toEqual([
          'hospital',
          'clinic',
          'dental',
          'pharmacy',
        ]);
        expect(new Set(listed.readers.map((r) => r.model.id)).size).toBe(4);
        expect(listed.readers.every((r) => /^\d{10}$/.test(r.institutionCode))).toBe(true);
        const registered = fake.requests.filter((r) => r.url === '/v1/internal/institutions');
        expect(registered).toHaveLength(4);
        // Each reader institution gets its sample practitioner (drug and checkup views).
        const practitioners = fake.requests.filter((r) => r.url.endsWith('/practitioners'));
        expect(practitioners.map((r) => r.url.split('/')[4]).sort()).toEqual(
          listed.readers.map((r) => r.institutionCode).sort(),
        );

        const folders = join(dataDir, 'reader-emulator', 'clinic');
        expect(reader.notes.join('\n')).toContain(join(folders, 'requests'));
        await writeFile(
          join(folders, 'requests', 'OQSsiquc01req_1.xml'),
          '<XmlMsg><MessageHeader/><MessageBody/></XmlMsg>',
        );
        let answered: string[] = [];
        // Polled every 500 ms; generous for a loaded machine. The answer is written to a temporary
        // name and renamed, so wait until only finished files are there.
        const writing = () => answered.length === 0 || answered.some((n) => n.endsWith('.tmp'));
        for (let i = 0; i < 400 && writing(); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          answered = await readdir(join(folders, 'responses'));
        }
        expect(answered).toEqual(['OQSsiquc01res_1.xml']);
      } finally {
        await stack.close();
      }
    },
  );

  it('refuses to start without eligibility-api', async () => {
    await expect(startStack([readerEmulatorComponent], options())).rejects.toThrow(
      /needs eligibility-api/,
    );
  });
});
