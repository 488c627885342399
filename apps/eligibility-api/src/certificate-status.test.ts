import { AppError } from '@shikaku/platform/errors';
import { describe, expect, it } from 'vitest';
import { createCertificateStatusChecker } from './certificate-status.js';
import type { CertificateStatus, Upstreams } from './upstream.js';

const HOUR = 3_600_000;

function setup() {
  let now = new Date('2021-10-20T00:00:00Z');
  const jlis = {
    down: false,
    failure: 'UPSTREAM_UNAVAILABLE',
    status: new Map<string, CertificateStatus>(),
  };
  const upstreams: Upstreams = {
    resolveCertificate: async () => undefined,
    fetchOutbox: async () => ({ events: [], next: 0 }),
    async certificateStatus(serial) {
      if (jlis.down) throw new AppError(jlis.failure, 'could not reach jlis');
      return jlis.status.get(serial) ?? 'unknown';
    },
  };
  const checker = createCertificateStatusChecker({
    upstreams,
    clock: { now: () => new Date(now.getTime()) },
    maxAgeMs: 24 * HOUR,
    maxEntries: 2,
  });
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  return { jlis, checker, advance };
}

describe('certificate status while J-LIS is down', () => {
  it('answers from J-LIS when it is up, and from its last answer (marked) within 24 hours', async () => {
    const { jlis, checker, advance } = setup();
    jlis.status.set('S1', 'valid');
    const fresh = await checker.check('S1');
    expect(fresh).toMatchObject({ status: 'valid', source: 'jlis' });

    jlis.down = true;
    advance(23 * HOUR);
    expect(await checker.check('S1')).toEqual({
      status: 'valid',
      source: 'cache',
      checkedAt: fresh.checkedAt,
    });
    advance(2 * HOUR);
    await expect(checker.check('S1')).rejects.toMatchObject({
      code: 'CERTIFICATE_STATUS_UNAVAILABLE',
      message: expect.stringMatching(/too old/),
    });
  });

  it('refuses with a clear code when no status is held for the card', async () => {
    const { jlis, checker } = setup();
    jlis.down = true;
    await expect(checker.check('NEVER-SEEN')).rejects.toMatchObject({
      code: 'CERTIFICATE_STATUS_UNAVAILABLE',
      message: expect.stringMatching(/no certificate status is held/),
    });
  });

  it('keeps a revocation however old, and a later revocation replaces a held valid status', async () => {
    const { jlis, checker, advance } = setup();
    jlis.status.set('S1', 'valid');
    await checker.check('S1');
    jlis.status.set('S1', 'revoked');
    expect(await checker.check('S1')).toMatchObject({ status: 'revoked', source: 'jlis' });
    jlis.down = true;
    advance(30 * 24 * HOUR);
    expect(await checker.check('S1')).toMatchObject({ status: 'revoked', source: 'cache' });
  });

  it('does not hold unknown certificates, holds a bounded number, and passes other errors on', async () => {
    const { jlis, checker } = setup();
    for (const serial of ['A', 'B', 'C']) jlis.status.set(serial, 'valid');
    await checker.check('X'); // unknown: nothing held
    for (const serial of ['A', 'B', 'C']) await checker.check(serial);
    jlis.down = true;
    await expect(checker.check('X')).rejects.toMatchObject({
      code: 'CERTIFICATE_STATUS_UNAVAILABLE',
    });
    await expect(checker.check('A')).rejects.toMatchObject({
      code: 'CERTIFICATE_STATUS_UNAVAILABLE',
    });
    expect(await checker.check('C')).toMatchObject({ source: 'cache' });
    jlis.failure = 'VALIDATION_FAILED';
    await expect(checker.check('C')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('concurrent checks of one serial', () => {
  /** J-LIS answering only when the test says so, counting its calls per serial. */
  function gatedJlis() {
    const calls: string[] = [];
    const clock = { now: Date.parse('2021-10-20T00:00:00Z') };
    const waiting: { serial: string; settle: (outcome: CertificateStatus | Error) => void }[] = [];
    const upstreams: Upstreams = {
      resolveCertificate: async () => undefined,
      fetchOutbox: async () => ({ events: [], next: 0 }),
      certificateStatus: (serial) =>
        new Promise((resolve, reject) => {
          calls.push(serial);
          waiting.push({
            serial,
            settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
          });
        }),
    };
    const checker = createCertificateStatusChecker({
      upstreams,
      clock: { now: () => new Date(clock.now) },
      maxAgeMs: 0,
    });
    const answer = (outcome: CertificateStatus | Error) => {
      for (const w of waiting.splice(0)) w.settle(outcome);
    };
    return { calls, checker, answer, clock };
  }

  it('share one J-LIS call, and a check after it settles asks again', async () => {
    const { calls, checker, answer } = gatedJlis();
    const first = checker.check('S1');
    const second = checker.check('S1');
    const other = checker.check('S2');
    expect(calls).toEqual(['S1', 'S2']);
    answer('revoked');
    expect(await first).toMatchObject({ status: 'revoked', source: 'jlis' });
    expect(await second).toMatchObject({ status: 'revoked', source: 'jlis' });
    expect(await other).toMatchObject({ status: 'revoked' });

    const later = checker.check('S1');
    expect(calls).toEqual(['S1', 'S2', 'S1']);
    answer('valid');
    expect(await later).toMatchObject({ status: 'valid' });
  });

  it('date a joined answer from when the shared call went out, not from when the check joined', async () => {
    const { checker, answer, clock } = gatedJlis();
    const first = checker.check('S1');
    clock.now += 3000;
    const joined = checker.check('S1');
    answer('valid');
    const sent = new Date('2021-10-20T00:00:00Z');
    expect((await first).checkedAt).toEqual(sent);
    expect((await joined).checkedAt).toEqual(sent);
  });

  it('hand a failure of the shared call to every check that joined it', async () => {
    const { calls, checker, answer } = gatedJlis();
    const both = [checker.check('S1'), checker.check('S1')];
    answer(new AppError('UPSTREAM_UNAVAILABLE', 'could not reach jlis'));
    for (const check of both)
      await expect(check).rejects.toMatchObject({ code: 'CERTIFICATE_STATUS_UNAVAILABLE' });
    expect(calls).toEqual(['S1']);
  });
});
