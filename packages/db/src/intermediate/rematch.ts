// The periodic re-match: registrations whose number had no history when they were made are
// compared again once other registrations of the same number exist.
import type { DatabaseHandle } from '../database.js';
import { type HistoryEntry, findHistory, type RegistrationCheckStatus } from './registrations.js';
import { withRawTransaction } from './raw.js';

export interface RematchCandidate extends HistoryEntry {
  checkStatus: RegistrationCheckStatus;
  /** The other registrations of the same number. */
  history: HistoryEntry[];
}

/** Up to `limit` no-history registrations whose number now has other registrations. */
export async function findRematchCandidates(
  handle: DatabaseHandle,
  limit: number,
): Promise<RematchCandidate[]> {
  const rows = await handle.db
    .selectFrom('intermediate.registrations as r')
    .select([
      'r.qualification_id',
      'r.insurer_number',
      'r.card_symbol',
      'r.card_number',
      'r.branch_number',
      'r.my_number',
      'r.birth_date',
      'r.name_kana',
      'r.registered_on',
      'r.check_status',
    ])
    .where('r.no_history', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('intermediate.registrations as o')
          .select('o.qualification_id')
          .whereRef('o.my_number', '=', 'r.my_number')
          .whereRef('o.qualification_id', '<>', 'r.qualification_id'),
      ),
    )
    .orderBy('r.qualification_id')
    .limit(limit)
    .execute();
  const history = await findHistory(
    handle,
    rows.map((r) => r.my_number),
  );
  return rows.map((row) => ({
    qualificationId: row.qualification_id,
    insurerNumber: row.insurer_number,
    cardSymbol: row.card_symbol === '' ? null : row.card_symbol,
    cardNumber: row.card_number,
    branchNumber: row.branch_number,
    myNumber: row.my_number,
    birthDate: row.birth_date,
    nameKana: row.name_kana,
    registeredOn: row.registered_on,
    checkStatus: row.check_status as RegistrationCheckStatus,
    history: (history.get(row.my_number) ?? []).filter(
      (h) => h.qualificationId !== row.qualification_id,
    ),
  }));
}

export interface RematchOutcome {
  qualificationId: string;
  /** New status when the re-match found a suspicion; null leaves the status as it is. */
  checkStatus: RegistrationCheckStatus | null;
  notification: { kind: string; message: string; dedupeKey: string } | null;
}

/** Stores re-match outcomes: each registration leaves the no-history set. */
export async function applyRematch(
  handle: DatabaseHandle,
  outcomes: readonly RematchOutcome[],
  at: Date,
): Promise<{ notified: number }> {
  if (outcomes.length === 0) return { notified: 0 };
  return withRawTransaction(handle, async (executor) => {
    let notified = 0;
    for (const outcome of outcomes) {
      const updated = await executor.query<{ insurer_number: string }>(
        `update intermediate.registrations
         set no_history = false, check_status = coalesce($2, check_status), updated_at = $3::timestamptz
         where qualification_id = $1 returning insurer_number`,
        [outcome.qualificationId, outcome.checkStatus, at.toISOString()],
      );
      const insurer = updated.rows[0]?.insurer_number;
      if (insurer && outcome.notification) {
        const inserted = await executor.query(
          `insert into intermediate.notifications (insurer_number, qualification_id, kind, message, dedupe_key, created_at)
           values ($1, $2, $3, $4, $5, $6::timestamptz) on conflict (dedupe_key) do nothing returning id`,
          [
            insurer,
            outcome.qualificationId,
            outcome.notification.kind,
            outcome.notification.message,
            outcome.notification.dedupeKey,
            at.toISOString(),
          ],
        );
        notified += inserted.rows.length;
      }
    }
    return { notified };
  });
}
