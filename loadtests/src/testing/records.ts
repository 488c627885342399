import type { IterationRecord } from '../summary.js';

/** A search sent on time and answered 200 after `latencyS` (synthetic runs in tests). */
export function answeredRecord(
  scheduledS: number,
  latencyS: number,
  instance?: number,
): IterationRecord {
  return {
    route: 'insurance-card-confirmation',
    scheduledS,
    sentS: scheduledS,
    doneS: scheduledS + latencyS,
    status: 200,
    error: null,
    dropped: false,
    ...(instance === undefined ? {} : { instance }),
  };
}
