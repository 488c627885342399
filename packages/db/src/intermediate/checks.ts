// The durable queue of J-LIS queries: the jlis_* columns of a registration (it has at most one
// check) and a partial index of the pending ones. A check is claimed with a lease (its next attempt
// moves into the future), so a crash of insurer-api loses nothing: the lease runs out and it is
// claimed again.
import { claimLeasedRows, type LeasedQueue } from '../claims.js';
import type { DatabaseHandle } from '../database.js';
import { publishInTransaction, type RegistrationCheckStatus } from './registrations.js';
import { withRawTransaction } from './raw.js';

export interface ClaimedCheck {
  qualificationId: string;
  reason: string;
  attempts: number;
  insurerNumber: string;
  myNumber: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: string;
  address: string;
  registeredOn: string;
}

/** The pending checks, due by their next attempt (which a claim moves on by the lease). */
const JLIS_QUEUE: LeasedQueue = {
  table: 'intermediate.registrations',
  key: 'qualification_id',
  leaseColumn: 'jlis_next_attempt_at',
  pending: `t.jlis_status = 'pending'`,
  order: 't.jlis_next_attempt_at',
  leaseNeverNull: true,
};

/** Claims up to `limit` due checks for `leaseMs`. */
export async function claimDueChecks(
  handle: DatabaseHandle,
  options: { now: Date; limit: number; leaseMs: number },
): Promise<ClaimedCheck[]> {
  const rows = await claimLeasedRows<{
    qualification_id: string;
    reason: string;
    attempts: number;
    insurer_number: string;
    my_number: string;
    name: string;
    name_kana: string;
    birth_date: string;
    sex: string;
    address: string;
    registered_on: string;
  }>(handle, JLIS_QUEUE, {
    now: options.now,
    leaseMs: options.leaseMs,
    limit: options.limit,
    set: 'jlis_attempts = t.jlis_attempts + 1',
    returning: `t.qualification_id, t.jlis_reason as reason, t.jlis_attempts as attempts,
         t.insurer_number, t.my_number, t.name, t.name_kana,
         to_char(t.birth_date, 'YYYY-MM-DD') as birth_date, t.sex, t.address,
         to_char(t.registered_on, 'YYYY-MM-DD') as registered_on`,
  });
  return rows.map((row) => ({
    qualificationId: row.qualification_id,
    reason: row.reason,
    attempts: row.attempts,
    insurerNumber: row.insurer_number,
    myNumber: row.my_number,
    name: row.name,
    nameKana: row.name_kana,
    birthDate: row.birth_date,
    sex: row.sex,
    address: row.address,
    registeredOn: row.registered_on,
  }));
}

/** Records a failed attempt; the check stays pending until `nextAttemptAt`. */
export async function deferCheck(
  handle: DatabaseHandle,
  qualificationId: string,
  error: string,
  nextAttemptAt: Date,
): Promise<void> {
  await handle.db
    .updateTable('intermediate.registrations')
    .set({ jlis_last_error: error.slice(0, 500), jlis_next_attempt_at: nextAttemptAt })
    .where('qualification_id', '=', qualificationId)
    .where('jlis_status', '=', 'pending')
    .execute();
}

export interface CheckCompletion {
  qualificationId: string;
  result: 'verified' | 'mismatch' | 'not-found';
  checkStatus: RegistrationCheckStatus;
  blocked: boolean;
  notification: { kind: string; message: string; dedupeKey: string } | null;
}

/**
 * Completes a check: stores the result on the registration, notifies the insurer and publishes
 * the registration when it is not blocked, in one transaction. A check completed (or cancelled)
 * meanwhile is left alone: false.
 */
export async function completeCheck(
  handle: DatabaseHandle,
  completion: CheckCompletion,
  at: Date,
): Promise<boolean> {
  return withRawTransaction(handle, async (executor) => {
    const before = await executor.query<{ blocked: boolean; insurer_number: string }>(
      `select blocked, insurer_number from intermediate.registrations
       where qualification_id = $1 and jlis_status = 'pending' for update`,
      [completion.qualificationId],
    );
    const previous = before.rows[0];
    if (!previous) return false;
    await executor.query(
      `update intermediate.registrations set check_status = $2, blocked = $3, updated_at = $4::timestamptz,
         jlis_status = 'done', jlis_result = $5, jlis_completed_at = $4::timestamptz, jlis_last_error = null
       where qualification_id = $1`,
      [
        completion.qualificationId,
        completion.checkStatus,
        completion.blocked,
        at.toISOString(),
        completion.result,
      ],
    );
    if (completion.notification) {
      await executor.query(
        `insert into intermediate.notifications (insurer_number, qualification_id, kind, message, dedupe_key, created_at)
         values ($1, $2, $3, $4, $5, $6::timestamptz) on conflict (dedupe_key) do nothing`,
        [
          previous.insurer_number,
          completion.qualificationId,
          completion.notification.kind,
          completion.notification.message,
          completion.notification.dedupeKey,
          at.toISOString(),
        ],
      );
    }
    // A registration held back until J-LIS answered is published once it is no longer blocked;
    // one blocked by the answer is published too, which readers see as withheld.
    if (previous.blocked !== completion.blocked) {
      await publishInTransaction(executor, completion.qualificationId, at);
    }
    return true;
  });
}

export interface QueueCounts {
  pending: number;
  done: number;
}

export async function countChecks(handle: DatabaseHandle): Promise<QueueCounts> {
  const rows = await handle.db
    .selectFrom('intermediate.registrations')
    .select(['jlis_status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('jlis_status', 'in', ['pending', 'done'])
    .groupBy('jlis_status')
    .execute();
  const count = (status: string) => Number(rows.find((r) => r.jlis_status === status)?.n ?? 0);
  return { pending: count('pending'), done: count('done') };
}

export async function findCheck(
  handle: DatabaseHandle,
  qualificationId: string,
): Promise<
  | {
      status: string;
      attempts: number;
      result: string | null;
      lastError: string | null;
      reason: string;
    }
  | undefined
> {
  const row = await handle.db
    .selectFrom('intermediate.registrations')
    .select(['jlis_status', 'jlis_attempts', 'jlis_result', 'jlis_last_error', 'jlis_reason'])
    .where('qualification_id', '=', qualificationId)
    .where('jlis_status', 'is not', null)
    .executeTakeFirst();
  return row
    ? {
        status: row.jlis_status!,
        attempts: row.jlis_attempts,
        result: row.jlis_result,
        lastError: row.jlis_last_error,
        reason: row.jlis_reason!,
      }
    : undefined;
}
