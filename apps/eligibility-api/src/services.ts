import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { AccessLogWriter } from '@shikaku/db/eligibility/access-log';
import { AppError } from '@shikaku/platform/errors';
import {
  authenticate,
  type Caller,
  type CredentialCache,
  type RateLimiter,
  type TokenSigner,
} from './auth.js';
import type { CertificateStatusChecker } from './certificate-status.js';
import type { EligibilityConfig } from './config.js';
import type { Upstreams } from './upstream.js';

/** What route handlers use; built once in buildApp and passed to each route module. */
export interface Services {
  config: EligibilityConfig;
  handle: DatabaseHandle;
  clock: Clock;
  signer: TokenSigner;
  credentials: CredentialCache;
  limiter: RateLimiter;
  accessLog: AccessLogWriter;
  upstreams: Upstreams;
  /** Card certificate status from J-LIS, or its last answer while J-LIS is unreachable. */
  certificates: CertificateStatusChecker;
  /** Seed of the synthetic drug / checkup histories. */
  seed: number;
  /** Monotonic milliseconds for the rate limiter (real time even when the clock is as-of). */
  monotonicMs: () => number;
  /** Wall-clock epoch milliseconds, which clients share: a practitioner proof's timestamp. */
  wallClockMs: () => number;
}

/** Token → caller, then the institution's rate limit. Throws the stable code. */
export async function requireCaller(
  services: Services,
  authorization: string | undefined,
): Promise<Caller> {
  const caller = await authenticate(
    services.signer,
    services.credentials,
    authorization,
    services.clock.now().getTime(),
  );
  const rate = caller.institution.rateLimitPerSecond || services.config.rateLimitPerSecond;
  if (
    !(await services.limiter.take(caller.institution.institutionCode, rate, services.monotonicMs()))
  )
    throw new AppError('RATE_LIMITED', 'too many requests for this institution');
  return caller;
}

export function requireServiceKey(services: Services, key: string | string[] | undefined): void {
  if (key !== services.config.serviceKey)
    throw new AppError('UNAUTHENTICATED', 'a valid x-service-key header is required');
}
