// Practitioners of an institution, each known by an HPKI-like certificate its admin registered
// (migration 0008), and the nonces of the proofs they presented, so a proof is accepted once on
// every instance. eligibility-api's practitioners/ folder says what is checked; docs/practitioners.md why.
import { sql } from 'kysely';
import { batchedPerHandle } from '../batching.js';
import { type DatabaseHandle, type PreparedStatement, queryPrepared } from '../database.js';

export interface PractitionerRecord {
  practitionerId: string;
  institutionCode: string;
  name: string;
  role: string;
  certificateSerial: string;
  /** SubjectPublicKeyInfo, PEM. */
  publicKey: string;
  validFrom: Date;
  validTo: Date;
  registeredAt: Date;
  revokedAt: Date | null;
}

export interface PractitionerRow {
  practitioner_id: string;
  institution_code: string;
  name: string;
  role: string;
  certificate_serial: string;
  public_key: string;
  valid_from: Date | string;
  valid_to: Date | string;
  registered_at: Date | string;
  revoked_at: Date | string | null;
}

export const toPractitionerRecord = (row: PractitionerRow): PractitionerRecord => ({
  practitionerId: row.practitioner_id,
  institutionCode: row.institution_code,
  name: row.name,
  role: row.role,
  certificateSerial: row.certificate_serial,
  publicKey: row.public_key,
  validFrom: new Date(row.valid_from),
  validTo: new Date(row.valid_to),
  registeredAt: new Date(row.registered_at),
  revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
});

/** False when this institution already has this certificate serial (unique per institution). */
export async function insertPractitioner(
  handle: DatabaseHandle,
  practitioner: Omit<PractitionerRecord, 'revokedAt'>,
): Promise<boolean> {
  const p = practitioner;
  const { rows } = await sql`insert into eligibility.practitioners
      (practitioner_id, institution_code, name, role, certificate_serial, public_key, valid_from,
       valid_to, registered_at)
    values (${p.practitionerId}, ${p.institutionCode}, ${p.name}, ${p.role}, ${p.certificateSerial},
      ${p.publicKey}, ${p.validFrom}, ${p.validTo}, ${p.registeredAt})
    on conflict (certificate_serial, institution_code) do nothing
    returning practitioner_id`.execute(handle.db);
  return rows.length === 1;
}

/**
 * Every registration of a certificate serial (at most one per institution), read fresh from the
 * database on each proof: a revocation holds at once on every instance.
 */
export async function findPractitionersBySerial(
  handle: DatabaseHandle,
  certificateSerial: string,
): Promise<PractitionerRecord[]> {
  const { rows } = await sql<PractitionerRow>`select * from eligibility.practitioners
    where certificate_serial = ${certificateSerial}`.execute(handle.db);
  return rows.map(toPractitionerRecord);
}

/** An institution's practitioners, revoked ones included, in registration order. */
export async function listPractitioners(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<PractitionerRecord[]> {
  const { rows } = await sql<PractitionerRow>`select * from eligibility.practitioners
    where institution_code = ${institutionCode}
    order by registered_at, practitioner_id`.execute(handle.db);
  return rows.map(toPractitionerRecord);
}

/** False when the institution has no live practitioner of that id. */
export async function revokePractitioner(
  handle: DatabaseHandle,
  institutionCode: string,
  practitionerId: string,
  at: Date,
): Promise<boolean> {
  const { rows } = await sql`update eligibility.practitioners set revoked_at = ${at}
    where institution_code = ${institutionCode} and practitioner_id = ${practitionerId}
      and revoked_at is null
    returning practitioner_id`.execute(handle.db);
  return rows.length === 1;
}

/** At most this many expired nonces go with each proof: bounded work, and more than the one it adds. */
export const NONCE_SWEEP = 16;

/**
 * How long past its expiry on the sweeping instance's clock a nonce is kept. Each instance judges
 * a proof's timestamp on its own wall clock, so one whose clock is behind still accepts a proof
 * whose nonce another instance, its clock ahead, sees as expired: swept then, the replay would be
 * accepted. Swept only this long after, the nonce is still there for any instance whose clock is
 * behind the sweeper's by less than this. eligibility-api accepts a timestamp within 5 minutes of
 * its clock (PROOF_SKEW_MS), so an instance further than that from the clients' time refuses
 * every honest proof and is noticed at once; two instances that still serve proofs are at most
 * twice that apart. The cost: each nonce stays 10 minutes longer (a bigger index, no more work).
 */
export const NONCE_SWEEP_CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * Records a proof's nonce; false when this certificate used it already (a replay), whichever
 * instance saw it first: the primary key decides between two at once. Concurrent proofs on one
 * handle share the statement (usePractitionerNonces), so a batch of views costs one commit.
 */
export function usePractitionerNonce(
  handle: DatabaseHandle,
  nonce: { certificateSerial: string; nonce: string; expiresAt: Date },
  now: Date,
): Promise<boolean> {
  return useNonce(handle, { ...nonce, now });
}

export interface NonceUse {
  certificateSerial: string;
  nonce: string;
  expiresAt: Date;
  /**
   * The wall clock of the proof: nonces that expired NONCE_SWEEP_CLOCK_MARGIN_MS before it may be
   * swept.
   */
  now: Date;
}

/**
 * Records many proofs' nonces in one statement (one round trip, one commit); one answer per use,
 * in order: false for a nonce its certificate used before, or used by an earlier use of the same
 * batch. The statement also drops up to NONCE_SWEEP expired nonces per use (of any certificate,
 * oldest first by the expiry index, expired NONCE_SWEEP_CLOCK_MARGIN_MS before the earliest use's
 * clock: such a proof is refused as stale anyway, also by an instance whose clock is behind this
 * one's by less than the margin). Each proof removes more than it adds, so the table holds the
 * last window's nonces and the margin's, also of certificates never used again; rows another
 * proof is deleting are skipped, so practitioners never wait on each other.
 *
 * The rows go in key order, whatever order the uses came in. Two statements at once that share
 * nonces (two instances, or two batches of one) then meet each other's keys in the same order, so
 * one waits for the other. In arrival order they could each hold a key the other needs: PostgreSQL
 * would cancel one as a deadlock after deadlock_timeout, and the batcher would retry its uses one
 * by one.
 */
export async function usePractitionerNonces(
  handle: DatabaseHandle,
  uses: readonly NonceUse[],
): Promise<boolean[]> {
  const sweepBefore = new Date(
    Math.min(...uses.map((u) => u.now.getTime())) - NONCE_SWEEP_CLOCK_MARGIN_MS,
  );
  const rows = await queryPrepared<{ certificate_serial: string; nonce: string }>(
    handle,
    USE_NONCES,
    [
      uses.map((u) => u.certificateSerial),
      uses.map((u) => u.nonce),
      uses.map((u) => u.expiresAt.toISOString()),
      sweepBefore.toISOString(),
      NONCE_SWEEP * uses.length,
    ],
  );
  const inserted = new Set(rows.map((r) => `${r.certificate_serial}\n${r.nonce}`));
  // A nonce twice in one batch is inserted once: the first use claims it, the second is a replay.
  return uses.map((u) => inserted.delete(`${u.certificateSerial}\n${u.nonce}`));
}

// Unnamed, so planned on every run: the nonces start empty in a fresh stack (PreparedStatement).
const USE_NONCES: PreparedStatement = {
  text: `with expired as (
      delete from eligibility.practitioner_nonces
      where (certificate_serial, nonce) in (
        select certificate_serial, nonce from eligibility.practitioner_nonces
        where expires_at < $4::timestamptz
        order by expires_at
        limit $5::int
        for update skip locked))
    insert into eligibility.practitioner_nonces (certificate_serial, nonce, expires_at)
    select * from unnest($1::text[], $2::text[], $3::timestamptz[])
      as u(certificate_serial, nonce, expires_at)
    order by certificate_serial, nonce
    on conflict do nothing
    returning certificate_serial, nonce`,
};

const useNonce = batchedPerHandle(usePractitionerNonces, {
  maxBatch: 200,
  concurrency: 2,
});
