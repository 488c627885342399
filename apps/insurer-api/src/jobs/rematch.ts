import { jstDate, type Clock } from '@shikaku/core/clock';
import { classifyRegistration, type MisEntryPolicy } from '@shikaku/core/mis-entry';
import { runExclusive } from '@shikaku/db/claims';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  applyRematch,
  findRematchCandidates,
  type RematchOutcome,
} from '@shikaku/db/intermediate/rematch';
import { checkStatusOf, notificationMessage } from '../registration/classify.js';

export interface RematchResult {
  rematched: number;
  notified: number;
}

const BATCH = 1_000;

/**
 * The periodic re-match of registrations that had no history: once other registrations of the
 * same number exist, the core rule compares them as of today; a new suspicion is notified. Each
 * candidate leaves the no-history set whatever the outcome, so a run always makes progress. One
 * instance re-matches at a time (an advisory lock); one that finds it held does nothing this time.
 */
export async function runRematchOnce(deps: RematchDeps): Promise<RematchResult> {
  const run = await runExclusive(deps.handle, 'insurer-api/rematch', () => rematchBatches(deps));
  return run.ran ? run.value : { rematched: 0, notified: 0 };
}

interface RematchDeps {
  handle: DatabaseHandle;
  clock: Clock;
  policy: MisEntryPolicy;
  maxBatches?: number;
}

async function rematchBatches(deps: RematchDeps): Promise<RematchResult> {
  const result: RematchResult = { rematched: 0, notified: 0 };
  const asOf = jstDate(deps.clock.now());
  for (let batch = 0; batch < (deps.maxBatches ?? 100); batch++) {
    const candidates = await findRematchCandidates(deps.handle, BATCH);
    if (candidates.length === 0) break;
    const outcomes: RematchOutcome[] = candidates.map((c) => {
      const outcome = classifyRegistration(
        {
          myNumber: c.myNumber,
          insurerNumber: c.insurerNumber,
          name: '',
          kanaName: c.nameKana,
          birthDate: c.birthDate,
          sex: '',
          address: '',
        },
        c.history.map((h) => ({
          myNumber: h.myNumber,
          insurerNumber: h.insurerNumber,
          name: '',
          kanaName: h.nameKana,
          birthDate: h.birthDate,
          sex: '',
          address: '',
        })),
        undefined,
        asOf,
        deps.policy,
      );
      const suspicion =
        outcome.code === 'BIRTH_DATE_MISMATCH' || outcome.code === 'KANA_NAME_MISMATCH';
      return {
        qualificationId: c.qualificationId,
        checkStatus: suspicion ? checkStatusOf(outcome, true) : null,
        notification: suspicion
          ? {
              kind: outcome.code,
              message: `re-match: ${notificationMessage(outcome)}`,
              dedupeKey: `rematch:${c.qualificationId}:${outcome.code}:${c.history
                .map((h) => h.qualificationId)
                .sort()
                .join(',')}`,
            }
          : null,
      };
    });
    const applied = await applyRematch(deps.handle, outcomes, deps.clock.now());
    result.rematched += candidates.length;
    result.notified += applied.notified;
  }
  return result;
}
