// Blocks travel (2024-05 rule): a qualification whose facts stop matching J-LIS is withheld from
// viewing at the clinic at once, and served again when the insurer confirms it with a reason. Run
// through the stack's HTTP APIs as an insurer and a clinic would, on a stack as of 2024-06-01 whose
// date picks the rules.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, type SyntheticPerson } from '@shikaku/synth/population';
import { eligibilityApiComponent } from '../src/stack/eligibility-api.js';
import { insurerApiComponent } from '../src/stack/insurer-api.js';
import { jlisComponent } from '../src/stack/jlis.js';
import { type RunningStack, startStack } from '../src/stack/run-stack.js';
import { waitFor as waitForDefault } from './privacy-scan.js';
import { embeddedStackOptions } from './embedded-stack.js';

// The relay and the J-LIS job poll every second; a busy shared machine can be slow to start them.
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) =>
  waitForDefault(what, probe, 60_000);

const SEED = 2024;
const MEMBERS = 40;
const AS_OF = '2024-06-01';

describe('a withheld qualification (2024-05 rule) at the clinic', () => {
  let stack: RunningStack;
  let dataDir: string;
  const population: SyntheticPerson[] = [
    ...generatePopulation({ seed: SEED, size: MEMBERS, asOf: AS_OF }),
  ];
  // A person with a 記号, registered by the insurer again on a new card (a job change).
  const person = population.find((p) => p.insuredCardSymbol !== null)!;
  const url = (name: string) => stack.components.find((c) => c.name === name)!.url;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'withheld-'));
    stack = await startStack(
      [jlisComponent, insurerApiComponent, eligibilityApiComponent],
      embeddedStackOptions({
        asOf: AS_OF,
        seed: SEED,
        members: MEMBERS,
        dataDir,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('verified → re-registered with a mismatching fact → withheld → confirmed with a reason → served', async () => {
    expect(stack.policy).toMatchObject({ name: '2024-05', source: 'date' });
    const credentials = JSON.parse(
      await readFile(join(dataDir, 'insurer-credentials.json'), 'utf8'),
    ) as Array<{ insurerNumber: string; key: string }>;
    const insurerKey = credentials.find((c) => c.insurerNumber === person.insurerNumber)!.key;
    const insurer = (method: string, path: string, body?: unknown) =>
      fetch(`${url('insurer-api')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${insurerKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const member = {
      myNumber: person.myNumber,
      cardSymbol: person.insuredCardSymbol,
      cardNumber: '880001',
      branchNumber: '00',
      name: person.name,
      nameKana: person.nameKana,
      birthDate: person.birthDate,
      sex: String(person.sex),
      address: person.address,
      postNumber: person.postNumber,
      qualificationDate: '2024-05-20',
    };

    const notes = stack.components.find((c) => c.name === 'eligibility-api')!.notes.join('\n');
    const [, clientId, clientSecret] = /clientId (\S+) clientSecret (\S+)/.exec(notes)!;
    const login = await fetch(`${url('eligibility-api')}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, clientSecret }),
    });
    const { idToken } = (await login.json()) as { idToken: string };
    const validity = async () => {
      const answer = await fetch(`${url('eligibility-api')}/v1/confirmations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          insurerNumber: person.insurerNumber,
          insuredCardSymbol: person.insuredCardSymbol,
          insuredIdentificationNumber: member.cardNumber,
          insuredBranchNumber: '00',
          birthDate: person.birthDate,
        }),
      });
      return ((await answer.json()) as { qualificationValidity: string }).qualificationValidity;
    };
    const registration = async (id: string) =>
      (await (await insurer('GET', `/v1/registrations/${id}`)).json()) as {
        checkStatus: string;
        blocked: boolean;
      };

    // 1. Registered with the facts J-LIS holds: held until J-LIS answers, then verified and served.
    const first = await insurer('POST', '/v1/registrations', member);
    expect(first.status).toBe(201);
    const { qualificationId } = (await first.json()) as { qualificationId: string };
    await waitFor('J-LIS to verify the registration', async () =>
      (await registration(qualificationId)).blocked ? undefined : true,
    );
    await waitFor('the clinic to see it', async () =>
      (await validity()) === '1' ? true : undefined,
    );

    // 2. Re-registered with an address J-LIS does not hold: withheld at once, mismatch notified.
    const moved = await insurer('POST', '/v1/registrations', {
      ...member,
      address: '北海道札幌市中央区北1条西2丁目',
    });
    expect(moved.status).toBe(201);
    expect((await registration(qualificationId)).blocked).toBe(true);
    await waitFor('the clinic to stop seeing it', async () =>
      (await validity()) === '4' ? true : undefined,
    );
    const mismatch = await waitFor('the J-LIS mismatch notice', async () => {
      const answer = (await (await insurer('GET', '/v1/notifications')).json()) as {
        notifications: Array<{ qualificationId: string; kind: string }>;
      };
      return answer.notifications.find(
        (n) => n.qualificationId === qualificationId && n.kind === 'JLIS_MISMATCH',
      );
    });
    expect(mismatch.kind).toBe('JLIS_MISMATCH');
    expect(await validity()).toBe('4');

    // 3. The insurer confirms "no suspicion" with a reason: served again.
    const resolved = await insurer('POST', `/v1/registrations/${qualificationId}/resolution`, {
      action: 'confirm',
      reason: '本人に転居を確認済み(住民票の異動届は未了)',
    });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ blocked: false, checkStatus: 'confirmed' });
    await waitFor('the clinic to see it again', async () =>
      (await validity()) === '1' ? true : undefined,
    );
  }, 240_000);
});
