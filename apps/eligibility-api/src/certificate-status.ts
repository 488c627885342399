// Card certificate status with a fallback for when J-LIS cannot be reached (docs/decisions.md,
// "Card confirmations while J-LIS is down"). A verifier that checks revocation by CRL uses the
// list it holds until its next update; JPKI's CRL is issued daily. So the last status J-LIS gave
// for a serial stands in for up to `maxAgeMs` while J-LIS is unreachable, and the answer says so.
// Concurrent checks of one serial share one J-LIS call: whoever asks while a call for that serial
// is in flight gets its answer (or its failure), so a status is never older than one round trip.
import type { Clock } from '@shikaku/core/clock';
import { AppError } from '@shikaku/platform/errors';
import type { CertificateStatus, Upstreams } from './upstream.js';

export interface CertificateStatusAnswer {
  status: CertificateStatus;
  /** `jlis`: asked now; `cache`: J-LIS unreachable, its last answer from `checkedAt`. */
  source: 'jlis' | 'cache';
  checkedAt: Date;
}

export interface CertificateStatusChecker {
  /** Throws CERTIFICATE_STATUS_UNAVAILABLE when J-LIS is unreachable and nothing usable is held. */
  check(certificateSerial: string): Promise<CertificateStatusAnswer>;
}

/** Revocation and expiry are final: held without an age limit. */
const FINAL: ReadonlySet<CertificateStatus> = new Set(['revoked', 'expired']);

export function createCertificateStatusChecker(options: {
  upstreams: Upstreams;
  clock: Clock;
  /** How long a held status may answer for J-LIS (0: never). */
  maxAgeMs: number;
  /** Serials held at most; the least recently checked go first. */
  maxEntries?: number;
}): CertificateStatusChecker {
  const maxEntries = options.maxEntries ?? 200_000;
  const held = new Map<string, { status: CertificateStatus; checkedAt: Date }>();

  const remember = (serial: string, status: CertificateStatus, checkedAt: Date) => {
    held.delete(serial);
    if (status === 'unknown') return;
    held.set(serial, { status, checkedAt });
    if (held.size > maxEntries) held.delete(held.keys().next().value as string);
  };

  // checkedAt is when the shared call went out: a check that joined it later is not told fresher.
  const inFlight = new Map<string, Promise<{ status: CertificateStatus; checkedAt: Date }>>();
  const ask = (serial: string, now: Date) => {
    let pending = inFlight.get(serial);
    if (!pending) {
      pending = options.upstreams
        .certificateStatus(serial)
        .then((status) => ({ status, checkedAt: now }))
        .finally(() => {
          inFlight.delete(serial);
        });
      inFlight.set(serial, pending);
    }
    return pending;
  };

  return {
    async check(serial) {
      const now = options.clock.now();
      let answer: { status: CertificateStatus; checkedAt: Date };
      try {
        answer = await ask(serial, now);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'UPSTREAM_UNAVAILABLE') throw error;
        const last = held.get(serial);
        const age = last ? now.getTime() - last.checkedAt.getTime() : Infinity;
        if (last && (FINAL.has(last.status) || age <= options.maxAgeMs))
          return { status: last.status, source: 'cache', checkedAt: last.checkedAt };
        throw new AppError(
          'CERTIFICATE_STATUS_UNAVAILABLE',
          last
            ? "J-LIS cannot be reached and this card's last known certificate status is too old to use"
            : 'J-LIS cannot be reached and no certificate status is held for this card',
        );
      }
      remember(serial, answer.status, answer.checkedAt);
      return { ...answer, source: 'jlis' };
    },
  };
}
