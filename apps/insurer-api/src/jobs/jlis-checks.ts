import { createHash } from 'node:crypto';
import { normalizeAddressForMatching } from '@shikaku/core/address';
import type { Clock } from '@shikaku/core/clock';
import { normalizeKanaForMatching } from '@shikaku/core/kana';
import {
  classifyRegistration,
  type MisEntryPolicy,
  type PersonFacts,
} from '@shikaku/core/mis-entry';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  type ClaimedCheck,
  claimDueChecks,
  completeCheck,
  deferCheck,
} from '@shikaku/db/intermediate/checks';
import { findHistory, findRegistration } from '@shikaku/db/intermediate/registrations';
import type { Logger } from '@shikaku/platform/logger';
import {
  checkStatusOf,
  notificationMessage,
  otherRegistrations,
  toMemberRegistration,
} from '../registration/classify.js';
import { type JlisClient, JlisUnavailableError } from '../jlis-client.js';

export interface CheckJobDeps {
  handle: DatabaseHandle;
  clock: Clock;
  jlis: JlisClient;
  logger: Logger;
  policy: MisEntryPolicy;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface CheckRunResult {
  claimed: number;
  completed: number;
  deferred: number;
}

const CLAIM_LIMIT = 100;
const LEASE_MS = 60_000;
const CONCURRENCY = 8;

/**
 * Works off the due J-LIS checks once: queries J-LIS, re-runs the core rule with its answer and the
 * current history, and stores the outcome. When J-LIS is slow or down the check is deferred with
 * exponential backoff and stays in the queue (it survives restarts of either app).
 */
export async function runJlisChecksOnce(deps: CheckJobDeps): Promise<CheckRunResult> {
  const claimed = await claimDueChecks(deps.handle, {
    now: deps.clock.now(),
    limit: CLAIM_LIMIT,
    leaseMs: LEASE_MS,
  });
  const result: CheckRunResult = { claimed: claimed.length, completed: 0, deferred: 0 };
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const check = claimed[next++]!;
      const done = await runOne(deps, check);
      if (done) result.completed++;
      else result.deferred++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, worker));
  return result;
}

async function runOne(deps: CheckJobDeps, check: ClaimedCheck): Promise<boolean> {
  let answer;
  try {
    answer = await deps.jlis.resident(check.myNumber);
  } catch (error) {
    const message = error instanceof JlisUnavailableError ? error.message : 'J-LIS call failed';
    const delay = Math.min(
      deps.retryBaseMs * 2 ** Math.max(0, check.attempts - 1),
      deps.retryMaxMs,
    );
    await deferCheck(
      deps.handle,
      check.qualificationId,
      message,
      new Date(deps.clock.now().getTime() + delay),
    );
    deps.logger.warn(
      { qualificationId: check.qualificationId, attempts: check.attempts, delayMs: delay },
      'J-LIS check deferred',
    );
    return false;
  }
  const registration = await findRegistration(deps.handle, check.qualificationId);
  if (!registration) return false;
  // A number queried because it had no history is judged as it was registered: registrations
  // that came after it are the periodic re-match's business. Otherwise the current history counts.
  const others =
    check.reason === 'JLIS_NO_HISTORY'
      ? []
      : otherRegistrations(
          (await findHistory(deps.handle, [registration.myNumber])).get(registration.myNumber),
          registration,
        );
  const outcome = classifyRegistration(
    toMemberRegistration(registration),
    others,
    answer,
    registration.registeredOn,
    deps.policy,
  );
  const completed = await completeCheck(
    deps.handle,
    {
      qualificationId: check.qualificationId,
      result:
        answer === null ? 'not-found' : outcome.code === 'JLIS_MISMATCH' ? 'mismatch' : 'verified',
      checkStatus: checkStatusOf(outcome, others.length > 0),
      blocked: outcome.blocksViewing,
      notification: outcome.notifyInsurer
        ? {
            kind: outcome.code,
            message: notificationMessage(outcome),
            dedupeKey: jlisNoticeKey(
              check.qualificationId,
              outcome.code,
              toMemberRegistration(registration),
              answer,
            ),
          }
        : null,
    },
    deps.clock.now(),
  );
  deps.logger.info(
    { qualificationId: check.qualificationId, outcome: outcome.code },
    'J-LIS check completed',
  );
  return completed;
}

/**
 * The key of a J-LIS notice. The same conflict (this registration's five facts, as the matcher
 * reads them, against the same J-LIS answer, with the same outcome) is raised once, however often
 * the insurer files the record again or the check runs again, on any day; a fix of a fact or a
 * change at J-LIS (a move, a marriage) is a new conflict and is told.
 */
export function jlisNoticeKey(
  qualificationId: string,
  code: string,
  registered: PersonFacts,
  answer: PersonFacts | null,
): string {
  const facts = (f: PersonFacts | null) =>
    f === null
      ? 'not-found'
      : [
          f.name.normalize('NFKC').replace(/\s+/g, ' ').trim(),
          normalizeKanaForMatching(f.kanaName),
          f.birthDate,
          f.sex,
          normalizeAddressForMatching(f.address),
        ].join('\u0000');
  const digest = createHash('sha256')
    .update(facts(registered))
    .update('\u0001')
    .update(facts(answer))
    .digest('base64url')
    .slice(0, 22);
  return `${qualificationId}:jlis:${code}:${digest}`;
}
