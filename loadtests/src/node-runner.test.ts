import { createPrivateKey, createPublicKey } from 'node:crypto';
import { verifyCardSignature } from '@shikaku/core/card-key';
import { practitionerProofMessage } from '@shikaku/core/practitioner-proof';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoMyNumber } from './fixtures.js';
import type { HttpRequest } from './eligibility-client.js';
import { arrivalTimes, assertLoopback, runProfile, undiciSend } from './node-runner.js';
import { loadProfile, type LoadProfile } from './profile.js';
import {
  sampleFixtures,
  startFakeEligibility,
  type FakeEligibility,
} from './testing/fake-eligibility.js';

let fake: FakeEligibility | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function tinyProfile(overrides: Partial<LoadProfile> = {}): Promise<LoadProfile> {
  const { profile } = await loadProfile('smoke');
  return {
    ...profile,
    // 0.02 × 2,000 = 40 requests/s for 1.5 s
    rateScale: 0.02,
    startPeakMultiple: 1,
    stages: [{ name: 'hold', durationS: 1.5, targetPeakMultiple: 1 }],
    warmupS: 0,
    ...overrides,
  };
}

describe('arrivalTimes', () => {
  it('schedules a constant rate evenly and a ramp by the integral of its rate', () => {
    const constant = [
      ...arrivalTimes([{ name: 'c', startS: 0, durationS: 2, fromRate: 10, toRate: 10 }]),
    ];
    expect(constant).toHaveLength(20);
    expect(constant[1]! - constant[0]!).toBeCloseTo(0.1, 9);
    const ramp = [
      ...arrivalTimes([{ name: 'r', startS: 0, durationS: 10, fromRate: 0, toRate: 20 }]),
    ];
    // ∫ 0→20 over 10 s = 100 arrivals, and a quarter of them in the first half (rate grows linearly)
    expect(ramp).toHaveLength(100);
    expect(ramp.filter((t) => t < 5)).toHaveLength(25);
    const twoStages = [
      ...arrivalTimes([
        { name: 'a', startS: 0, durationS: 1, fromRate: 5, toRate: 5 },
        { name: 'b', startS: 1, durationS: 1, fromRate: 5, toRate: 15 },
      ]),
    ];
    expect(twoStages).toHaveLength(15);
    expect(twoStages.every((t, i) => i === 0 || t >= twoStages[i - 1]!)).toBe(true);
  });
});

describe('runProfile', () => {
  it('logs in, runs every route of the mix at the offered rate, and passes its thresholds', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    const { summary, records } = await runProfile({
      profile: await tinyProfile(),
      fixtures,
      target: fake.url,
      seed: 7,
      confirmationDate: '2025-10-06',
    });
    expect(summary.totals.scheduled).toBe(60);
    expect(records.filter((r) => r.error !== null)).toEqual([]);
    expect(summary.pass).toBe(true);
    expect(summary.stages[0]!.offeredRate).toBeCloseTo(40, 0);
    expect(Object.keys(summary.routes)).toContain('insurance-card-confirmation');
    // Every institution logged in before searching, and searches carry the bare idToken.
    const logins = fake.requests.filter((r) => r.path.endsWith('/ILI12020SV01/auth'));
    expect(logins).toHaveLength(4);
    const search = fake.requests.find((r) => r.path.endsWith('/ILI01030SV01/search'))!;
    expect(search.headers.authorization).toMatch(/^tok-client-\d$/);
    // Drug and checkup views carry the institution's practitioner's proof, signed over the request.
    const view = fake.requests.find((r) => r.path.includes('/consents/'));
    if (view) {
      const serial = view.headers['x-practitioner-certificate'] as string;
      const institution = fixtures.institutions.find(
        (i) => i.practitioner?.certificateSerial === serial,
      )!;
      const publicKey = createPublicKey(
        createPrivateKey({ key: institution.practitioner!.privateKeyJwk, format: 'jwk' }),
      );
      const message = practitionerProofMessage({
        method: 'GET',
        path: view.path,
        institutionCode: institution.institutionCode,
        certificateSerial: serial,
        timestamp: view.headers['x-practitioner-timestamp'] as string,
        nonce: view.headers['x-practitioner-nonce'] as string,
      });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const signature = view.headers['x-practitioner-signature'] as string;
      expect(verifyCardSignature(pem, message, signature)).toBe(true);
      expect(view.headers['x-practitioner-role']).toBeUndefined();
    }
  });

  it('with several instances, sends the arrivals round-robin and tags each record with its instance', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    // One server stands for three instances (a token made on one must hold on the others).
    const pool = undiciSend(fake.url, { connections: 8, timeoutMs: 5_000 });
    const sentTo: number[] = [];
    try {
      const instances = [1, 2, 3].map((n) => ({ name: `eligibility-api-${n}`, url: fake!.url }));
      const { summary, records } = await runProfile({
        profile: await tinyProfile(),
        fixtures,
        target: fake.url,
        instances,
        seed: 7,
        confirmationDate: '2025-10-06',
        send: (request, instance) => {
          sentTo.push(instance);
          return pool.send(request);
        },
      });
      // In scheduled order, each arrival to the instance after the previous one's.
      const first = records[0]!.instance!;
      expect(records.map((r) => r.instance)).toEqual(records.map((_, k) => (first + k) % 3));
      expect(summary.instances!.map((i) => i.scheduled)).toEqual([20, 20, 20]);
      expect(summary.instances!.map((i) => i.ok)).toEqual([20, 20, 20]);
      // Set-up calls (log-ins, card registrations) went round the instances too.
      expect(new Set(sentTo)).toEqual(new Set([0, 1, 2]));
    } finally {
      await pool.close();
    }
  });

  it('never sends a My Number: not in the fixtures, not in any captured request', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    const sent: HttpRequest[] = [];
    await runProfile({
      profile: await tinyProfile(),
      fixtures,
      target: fake.url,
      seed: 3,
      confirmationDate: '2025-10-06',
      onRequest: (r) => sent.push(r),
    });
    expect(sent.length).toBeGreaterThan(60);
    for (const request of fake.requests)
      assertNoMyNumber(request, `${request.method} ${request.path}`);
    for (const request of sent) assertNoMyNumber(request, request.path);
    // And the guard is real: a fixture with a 12-digit number is refused before any traffic.
    const leaky = {
      ...fixtures,
      insured: [{ ...fixtures.insured[0]!, insuredIdentificationNumber: '123456789018' }],
    };
    await expect(
      runProfile({
        profile: await tinyProfile(),
        fixtures: leaky,
        target: fake.url,
        seed: 3,
        confirmationDate: '2025-10-06',
      }),
    ).rejects.toThrow(/12-digit/);
  });

  it('measures latency from the scheduled time, so a stalled server shows (no coordinated omission)', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    fake.delayMs = 200;
    const { summary, records } = await runProfile({
      profile: await tinyProfile({ maxInFlight: 4 }),
      fixtures,
      target: fake.url,
      seed: 5,
      confirmationDate: '2025-10-06',
    });
    // 40/s with 200 ms answers needs 8 in flight; 4 allowed → about half the arrivals are dropped.
    expect(summary.totals.dropped).toBeGreaterThan(15);
    expect(summary.thresholds.find((t) => t.name.startsWith('dropped'))!.pass).toBe(false);
    expect(summary.pass).toBe(false);
    const done = records.filter((r) => !r.dropped);
    for (const r of done)
      expect(r.doneS! - r.scheduledS).toBeGreaterThanOrEqual(r.doneS! - r.sentS! - 1e-9);
  });

  it('counts server errors by type and fails the error-rate threshold', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    fake.failShare = 0.25;
    const { summary } = await runProfile({
      profile: await tinyProfile(),
      fixtures,
      target: fake.url,
      seed: 9,
      confirmationDate: '2025-10-06',
    });
    expect(summary.errors['http_503_UPSTREAM_UNAVAILABLE']).toBeGreaterThan(0);
    expect(summary.thresholds.find((t) => t.name === 'error rate')!.pass).toBe(false);
  });

  it('stops a breakpoint run at the first window that breaks the SLO', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    const { summary } = await runProfile({
      profile: await tinyProfile({
        // 10/s for up to 60 s, but every answer takes 1.2 s against a 1 s p99 limit
        rateScale: 0.005,
        stages: [{ name: 'ramp', durationS: 60, targetPeakMultiple: 1 }],
        stopOnThresholdBreak: true,
        requestTimeoutMs: 5000,
      }),
      fixtures,
      target: fake.url,
      seed: 4,
      confirmationDate: '2025-10-06',
      send: async (request) => {
        // Set-up calls answer at once; the measured ones are slow.
        if (!request.path.endsWith('/auth') && !request.path.endsWith('card-registrations')) {
          await new Promise((done) => setTimeout(done, 1200));
        }
        const response = await fetch(`${fake!.url}${request.path}`, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        return { status: response.status, body: await response.text() };
      },
    });
    expect(summary.stoppedEarly).toMatch(/thresholds broke in the window 0–5s/);
    expect(summary.durationS).toBeLessThan(15);
    expect(summary.pass).toBe(false);
  }, 30_000);

  it('sends traffic only to loopback', () => {
    expect(() => assertLoopback('http://example.com:80')).toThrow(/loopback/);
    expect(assertLoopback('http://127.0.0.1:8500').port).toBe('8500');
  });
});
