// Reads that may be a little stale (eligibility lookups) go to a streaming replica; everything else
// stays on the primary. The replica's replay lag is measured every `checkMs`; while it is over
// `maxLagMs`, or unknown (not streaming, the check failing), reads go to the primary, so a lookup is
// never staler than maxLagMs + checkMs. Those lookups read data that reaches the eligibility store
// through the outbox relay anyway (polled every second), so the replica adds a bounded delay to one
// that already exists; writes, the access log and the relay's cursor never touch the replica.
import { sql } from 'kysely';
import { reportBatchFailuresAs } from './batching.js';
import { type DatabaseHandle, openDatabase } from './database.js';

export interface ReadReplicaOptions {
  /** The replica's PostgreSQL URL (DATABASE_READ_URL). */
  url: string;
  poolSize?: number;
  /** Reads go to the primary while the replica is further behind than this. */
  maxLagMs?: number;
  checkMs?: number;
  /** Told when reads switch between the replica and the primary. */
  onSwitch?: (state: { replica: boolean; lagMs: number | null }) => void;
}

export const DEFAULT_MAX_LAG_MS = 2_000;
export const DEFAULT_CHECK_MS = 1_000;

/** The replay lag in ms; null when the server is not a streaming replica in a known state. */
export async function replicaLagMs(replica: DatabaseHandle): Promise<number | null> {
  const { rows } = await sql<{ lag_ms: number | null }>`
    select case
      when not pg_is_in_recovery() then null
      when coalesce((select status from pg_stat_wal_receiver limit 1), '') <> 'streaming' then null
      when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
      else (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8
    end as lag_ms`.execute(replica.db);
  const lag = rows[0]?.lag_ms;
  return lag === null || lag === undefined ? null : Math.max(0, Number(lag));
}

/**
 * The primary handle with `reads()` pointing at the replica while it is fresh. The returned handle
 * is the primary's (writes go there) and its close() closes both.
 */
export async function withReadReplica(
  primary: DatabaseHandle,
  options: ReadReplicaOptions,
): Promise<DatabaseHandle> {
  const replica = await openDatabase({ url: options.url, poolSize: options.poolSize ?? 10 });
  const maxLagMs = options.maxLagMs ?? DEFAULT_MAX_LAG_MS;
  let fresh = false;
  const check = async () => {
    let lag: number | null = null;
    try {
      lag = await replicaLagMs(replica);
    } catch {
      lag = null;
    }
    const now = lag !== null && lag <= maxLagMs;
    if (now !== fresh) options.onSwitch?.({ replica: now, lagMs: lag });
    fresh = now;
  };
  await check();
  let checking: Promise<void> | undefined;
  const timer = setInterval(() => {
    checking ??= check().finally(() => (checking = undefined));
  }, options.checkMs ?? DEFAULT_CHECK_MS);
  timer.unref();
  const handle: DatabaseHandle = {
    ...primary,
    // Not fresh: the handle itself, so a caller can tell it got the primary (findCardHolder then
    // does not ask the primary twice) and primary lookups share the handle's batcher.
    reads: () => (fresh ? replica : handle),
    description: `${primary.description} (reads: ${replica.description})`,
    async close() {
      clearInterval(timer);
      await checking;
      await replica.close();
      await primary.close();
    },
  };
  // Lookups batch on what reads() returns: the replica's failed batches go where this handle's go.
  reportBatchFailuresAs(replica, handle);
  return handle;
}

/** Where a lookup that tolerates bounded staleness reads: the replica when fresh, else `handle`. */
export function readsOf(handle: DatabaseHandle): DatabaseHandle {
  return handle.reads?.() ?? handle;
}
