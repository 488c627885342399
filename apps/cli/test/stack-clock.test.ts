// The stack's one clock under control: moved forward over the clock control (and `shikaku clock`),
// every app sees the move at once, so a 24-hour consent expires at the clinic and the portal's
// reader deadline job cancels an undecided application, without a restart; a move backwards or a
// malformed one is refused and changes nothing. Through the stack's HTTP APIs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generatePopulation } from '@shikaku/synth/population';
import { buildProgram } from '../src/program.js';
import { clockControlComponent } from '../src/stack/clock-control.js';
import { eligibilityApiComponent } from '../src/stack/eligibility-api.js';
import { insurerApiComponent } from '../src/stack/insurer-api.js';
import { jlisComponent } from '../src/stack/jlis.js';
import { portalComponent } from '../src/stack/portal.js';
import { type RunningStack, startStack } from '../src/stack/run-stack.js';
import { waitFor } from './privacy-scan.js';
import { embeddedStackOptions } from './embedded-stack.js';

const SEED = 731;
const MEMBERS = 60;
const AS_OF = '2021-07-31';

describe('the stack clock under control', () => {
  let stack: RunningStack;
  let dataDir: string;
  const url = (name: string) => stack.components.find((c) => c.name === name)!.url;
  const control = () => ({ 'x-control-key': stack.secrets.clockControlKey });
  const advance = (body: unknown, headers: Record<string, string> = control()) =>
    fetch(`${url('clock')}/v1/clock/advance`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const clockNow = async () =>
    (await (await fetch(`${url('clock')}/v1/clock`)).json()) as { now: string; jstDate: string };

  /** Runs `shikaku …` in this process and answers what it printed. */
  const shikaku = async (...args: string[]) => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['node', 'shikaku', ...args]);
      return out.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      out.mockRestore();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stack-clock-'));
    stack = await startStack(
      // The portal first, without eligibility-api: its usage approvals are not under test here, and
      // registering the operating institutions at start is slow on a busy machine.
      [
        portalComponent,
        jlisComponent,
        insurerApiComponent,
        eligibilityApiComponent,
        clockControlComponent,
      ],
      embeddedStackOptions({
        asOf: AS_OF,
        seed: SEED,
        members: MEMBERS,
        dataDir,
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('every app reads the one clock', async () => {
    expect((await clockNow()).jstDate).toBe(AS_OF);
    const login = await fetch(`${url('portal')}/login`);
    // The portal writes the day as 2021-07-31 or 2021年7月31日.
    expect(await login.text()).toMatch(/本日：(2021-07-31|2021年7月31日)/);
  });

  it('a move backwards, a malformed step or a missing key is refused and the clock stays', async () => {
    const before = Date.parse((await clockNow()).now);
    const back = await advance({ to: '2021-07-01' });
    expect(back.status).toBe(409);
    expect(await back.json()).toMatchObject({ code: 'CLOCK_BACKWARDS', field: 'to' });
    const minus = await advance({ by: '-1h' });
    expect(minus.status).toBe(409);
    expect(await minus.json()).toMatchObject({ code: 'CLOCK_BACKWARDS' });
    const malformed = await advance({ by: 'a day' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'INVALID_CLOCK_STEP', field: 'by' });
    const both = await advance({ by: '1h', to: '2021-08-02' });
    expect(both.status).toBe(400);
    const unauthenticated = await advance({ by: '1h' }, { 'x-control-key': 'wrong' });
    expect(unauthenticated.status).toBe(401);
    // Nothing moved: only real time passed (the test's own seconds).
    const after = Date.parse((await clockNow()).now);
    expect(after - before).toBeGreaterThanOrEqual(0);
    expect(after - before).toBeLessThan(60_000);
    await expect(
      shikaku(
        'clock',
        '--url',
        url('clock'),
        'advance',
        '--to',
        '2021-07-01',
        '--control-key',
        stack.secrets.clockControlKey,
      ),
    ).rejects.toMatchObject({ code: 'CLOCK_BACKWARDS' });
  });

  it('advance 24h: the consent given at the clinic expires (drug information: CONSENT_EXPIRED)', async () => {
    const notes = stack.components.find((c) => c.name === 'eligibility-api')!.notes.join('\n');
    const [, clientId, clientSecret] = /clientId (\S+) clientSecret (\S+)/.exec(notes)!;
    const login = async () => {
      const answer = await fetch(`${url('eligibility-api')}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, clientSecret }),
      });
      return ((await answer.json()) as { idToken: string }).idToken;
    };
    const idToken = await login();
    const auth = { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' };
    const population = [...generatePopulation({ seed: SEED, size: MEMBERS, asOf: AS_OF })];
    const serial = population.find((p) => p.card?.status === 'valid' && !p.card.linkedForInsurance)!
      .card!.certificateSerial;
    // Right after start eligibility-api may shed (503 OVERLOADED) on a busy machine: try again.
    const registered = await waitFor('the card registration', async () => {
      const answer = await fetch(`${url('eligibility-api')}/v1/card-registrations`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ certificateSerial: serial }),
      });
      return answer.status === 503 ? undefined : answer;
    });
    expect(registered.status).toBe(201);
    const confirmation = await fetch(`${url('eligibility-api')}/v1/card-confirmations`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        certificateSerial: serial,
        verificationMethod: 'face',
        consents: { pharmacists: true },
      }),
    });
    expect(confirmation.status).toBe(200);
    const { consentId } = ((await confirmation.json()) as { consents: { consentId: string } })
      .consents;
    // The demo clinic's sample practitioner signs each view (`shikaku practitioner sign`); the proof's
    // timestamp is wall-clock time, so advancing the stack's clock does not make it stale.
    const path = `/v1/consents/${consentId}/drug-information`;
    const drugs = async (token: string) => {
      const proof = await shikaku(
        'practitioner',
        'sign',
        'GET',
        path,
        '--keys',
        join(dataDir, 'practitioners.json'),
        '--institution',
        '0110113719',
      );
      return fetch(`${url('eligibility-api')}${path}`, {
        headers: { authorization: `Bearer ${token}`, ...JSON.parse(proof) },
      });
    };
    expect((await drugs(idToken)).status).toBe(200);

    const printed = await shikaku(
      'clock',
      '--url',
      url('clock'),
      'advance',
      '24h',
      '--control-key',
      stack.secrets.clockControlKey,
    );
    expect(JSON.parse(printed)).toMatchObject({ jstDate: '2021-08-01' });
    // The clinic's token expired too (the same clock): it logs in again, a day later.
    const tomorrowsToken = await login();
    const expired = await drugs(tomorrowsToken);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ code: 'CONSENT_EXPIRED' });
  }, 120_000);

  it('advance across 2021-08-01: the deadline job cancels the undecided reader application', async () => {
    const mailbox = `${url('portal')}/mailbox?to=clinic-undecided%40shikaku.example`;
    // Up to 2021-08-01 (inclusive) the undecided application stands.
    expect(await (await fetch(mailbox)).text()).not.toContain('取り消しました');
    const moved = await advance({ to: '2021-08-02' });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ jstDate: '2021-08-02' });
    // The move answers once the jobs it made due have run: the mail is there at once.
    expect(await (await fetch(mailbox)).text()).toContain('お申し込みを取り消しました');
  }, 60_000);

  it('the re-match runs from the cli (shikaku rematch)', async () => {
    const printed = await shikaku(
      'rematch',
      '--url',
      url('insurer-api'),
      '--service-key',
      stack.secrets.serviceKey,
    );
    expect(JSON.parse(printed)).toMatchObject({ rematched: expect.any(Number) });
    await waitFor('the clock to be shown', async () =>
      (await shikaku('clock', '--url', url('clock'), 'show')).includes('2021-08-02')
        ? true
        : undefined,
    );
  }, 60_000);
});
