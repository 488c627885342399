// The citizen's card sign-in state, shared by every eligibility-api instance (migration 0007):
// challenges (single use, taken atomically) and sessions (until they expire or are signed out).
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

export async function insertCitizenChallenge(
  handle: DatabaseHandle,
  challenge: { challenge: string; certificateSerial: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  // Unanswered challenges past their expiry go as new ones come (the index keeps this a range).
  await sql`delete from eligibility.citizen_challenges where expires_at < ${now}`.execute(
    handle.db,
  );
  await sql`insert into eligibility.citizen_challenges (challenge, certificate_serial, expires_at)
    values (${challenge.challenge}, ${challenge.certificateSerial}, ${challenge.expiresAt})`.execute(
    handle.db,
  );
}

/**
 * Takes a challenge out, whatever happens next: of two instances answering the same challenge at
 * once, exactly one gets the row (DELETE … RETURNING), so a challenge is answered once.
 */
export async function takeCitizenChallenge(
  handle: DatabaseHandle,
  challenge: string,
): Promise<{ certificateSerial: string; expiresAt: Date } | undefined> {
  const { rows } = await sql<{ certificate_serial: string; expires_at: Date | string }>`
    delete from eligibility.citizen_challenges where challenge = ${challenge}
    returning certificate_serial, expires_at`.execute(handle.db);
  const row = rows[0];
  return row && { certificateSerial: row.certificate_serial, expiresAt: new Date(row.expires_at) };
}

export async function insertCitizenSession(
  handle: DatabaseHandle,
  session: { sessionId: string; certificateSerial: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  await sql`delete from eligibility.citizen_sessions where expires_at <= ${now}`.execute(handle.db);
  await sql`insert into eligibility.citizen_sessions
      (session_id, certificate_serial, created_at, expires_at)
    values (${session.sessionId}, ${session.certificateSerial}, ${now}, ${session.expiresAt})`.execute(
    handle.db,
  );
}

/**
 * The person of a live session (not expired, not signed out) through its card's 保険証利用登録 link;
 * undefined otherwise. One indexed probe per request.
 */
export async function findCitizenSession(
  handle: DatabaseHandle,
  sessionId: string,
  now: Date,
): Promise<{ certificateSerial: string; personRef: string; expiresAt: Date } | undefined> {
  const { rows } = await sql<{
    certificate_serial: string;
    person_ref: string;
    expires_at: Date | string;
  }>`
    select s.certificate_serial, l.person_ref, s.expires_at
    from eligibility.citizen_sessions s
    join eligibility.card_links l on l.certificate_serial = s.certificate_serial
    where s.session_id = ${sessionId} and s.expires_at > ${now}`.execute(handle.db);
  const row = rows[0];
  return (
    row && {
      certificateSerial: row.certificate_serial,
      personRef: row.person_ref,
      expiresAt: new Date(row.expires_at),
    }
  );
}

/** Signs a session out on every instance; answers whether it was there. */
export async function deleteCitizenSession(
  handle: DatabaseHandle,
  sessionId: string,
): Promise<boolean> {
  const result = await sql`delete from eligibility.citizen_sessions
    where session_id = ${sessionId}`.execute(handle.db);
  return Number(result.numAffectedRows ?? 0) > 0;
}
