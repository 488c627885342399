// The seed's newborn (3333, R3.03.01, no history): J-LIS is queried automatically and the result
// notified. A birth added to the J-LIS emulator through its control API (`shikaku jlis resident
// add`) makes the newborn come back verified; a newborn J-LIS does not know comes back not found.
// Through the stack's HTTP APIs, as of 2021-07-15 (the date picks the 2021-06 rules).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { buildProgram } from '../src/program.js';
import { insurerApiComponent } from '../src/stack/insurer-api.js';
import { jlisComponent } from '../src/stack/jlis.js';
import { type RunningStack, startStack } from '../src/stack/run-stack.js';
import { waitFor as waitForDefault } from './privacy-scan.js';
import { embeddedStackOptions } from './embedded-stack.js';

// The J-LIS job polls every second; a busy shared machine can be slow.
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) =>
  waitForDefault(what, probe, 60_000);

const M3333 = myNumberFromBody('33333333333');
const M3334 = myNumberFromBody('33333333334');

describe("the seed's newborn at J-LIS", () => {
  let stack: RunningStack;
  let dataDir: string;
  const url = (name: string) => stack.components.find((c) => c.name === name)!.url;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'newborn-'));
    stack = await startStack(
      [jlisComponent, insurerApiComponent],
      embeddedStackOptions({
        asOf: '2021-07-15',
        seed: 3333,
        members: 20,
        dataDir,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('comes back verified once the birth is added through the J-LIS control API', async () => {
    const [{ key }] = JSON.parse(
      await readFile(join(dataDir, 'insurer-credentials.json'), 'utf8'),
    ) as [{ key: string }];
    const insurer = (method: string, path: string, body?: unknown) =>
      fetch(`${url('insurer-api')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const newborn = (myNumber: string, cardNumber: string) => ({
      myNumber,
      cardSymbol: '3333',
      cardNumber,
      branchNumber: '01',
      name: '資格 桜',
      nameKana: 'シカク サクラ',
      birthDate: 'R3.03.01',
      sex: '2',
      address: '東京都千代田区霞が関1-2-2',
      postNumber: '100-0013',
      qualificationDate: '2021-03-01',
    });
    const settled = (qualificationId: string) =>
      waitFor(`J-LIS to answer for ${qualificationId}`, async () => {
        const r = (await (await insurer('GET', `/v1/registrations/${qualificationId}`)).json()) as {
          checkStatus: string;
        };
        return r.checkStatus === 'jlis-pending' ? undefined : r.checkStatus;
      });

    // The birth is registered at J-LIS (the stack's control key), in the registry's notation.
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync([
        'node',
        'shikaku',
        'jlis',
        '--url',
        url('jlis'),
        '--control-key',
        stack.secrets.jlisControlKey,
        'resident',
        'add',
        M3333,
        '--name',
        '資格　桜',
        '--kana',
        'ｼｶｸ ｻｸﾗ',
        '--birth-date',
        '2021-03-01',
        '--sex',
        '2',
        '--address',
        '東京都千代田区霞が関一丁目2番2号',
      ]);
    } finally {
      out.mockRestore();
    }

    const known = await insurer('POST', '/v1/registrations', newborn(M3333, '0001'));
    expect(known.status).toBe(201);
    expect(await known.clone().json()).toMatchObject({ outcome: 'NEEDS_JLIS', jlisQueued: true });
    const unknown = await insurer('POST', '/v1/registrations', newborn(M3334, '0002'));
    const knownId = ((await known.json()) as { qualificationId: string }).qualificationId;
    const unknownId = ((await unknown.json()) as { qualificationId: string }).qualificationId;

    expect(await settled(knownId)).toBe('jlis-verified');
    expect(await settled(unknownId)).toBe('jlis-not-found');
    const notices = (
      (await (
        await insurer('GET', '/v1/notifications?kind=JLIS_VERIFIED,JLIS_NOT_FOUND')
      ).json()) as {
        notifications: Array<{ qualificationId: string; kind: string; source: string }>;
      }
    ).notifications;
    expect(notices.find((n) => n.qualificationId === knownId)).toMatchObject({
      kind: 'JLIS_VERIFIED',
      source: 'jlis',
    });
    expect(notices.find((n) => n.qualificationId === unknownId)).toMatchObject({
      kind: 'JLIS_NOT_FOUND',
    });
  }, 180_000);
});
