// Repository of the J-LIS emulator: residents (住民基本台帳) and card certificates (JPKI).
import { batchedPerHandle, LOOKUP_BATCHING } from '../batching.js';
import {
  type DatabaseHandle,
  type PreparedStatement,
  queryPrepared,
  unnestParameters,
} from '../database.js';
import type { CertificateStatus } from './tables.js';

export interface Resident {
  myNumber: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: '1' | '2' | '3';
  address: string;
}

export interface Certificate {
  serial: string;
  myNumber: string;
  status: CertificateStatus;
}

const INSERT_CHUNK = 1_000;

export async function findResident(
  handle: DatabaseHandle,
  myNumber: string,
): Promise<Resident | undefined> {
  const row = await handle.db
    .selectFrom('jlis.residents')
    .selectAll()
    .where('my_number', '=', myNumber)
    .executeTakeFirst();
  return row
    ? {
        myNumber: row.my_number,
        name: row.name,
        nameKana: row.name_kana,
        birthDate: row.birth_date,
        sex: row.sex as Resident['sex'],
        address: row.address,
      }
    : undefined;
}

/** Inserts or replaces residents (seeding, tests). */
export async function upsertResidents(
  handle: DatabaseHandle,
  residents: readonly Resident[],
): Promise<void> {
  for (let i = 0; i < residents.length; i += INSERT_CHUNK) {
    const chunk = residents.slice(i, i + INSERT_CHUNK).map((r) => ({
      my_number: r.myNumber,
      name: r.name,
      name_kana: r.nameKana,
      birth_date: r.birthDate,
      sex: r.sex,
      address: r.address,
    }));
    await handle.db
      .insertInto('jlis.residents')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('my_number').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          name_kana: eb.ref('excluded.name_kana'),
          birth_date: eb.ref('excluded.birth_date'),
          sex: eb.ref('excluded.sex'),
          address: eb.ref('excluded.address'),
        })),
      )
      .execute();
  }
}

export async function countResidents(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('jlis.residents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findCertificate(
  handle: DatabaseHandle,
  serial: string,
): Promise<Certificate | undefined> {
  const row = await handle.db
    .selectFrom('jlis.certificates')
    .select(['serial', 'my_number', 'status'])
    .where('serial', '=', serial)
    .executeTakeFirst();
  return row ? { serial: row.serial, myNumber: row.my_number, status: row.status } : undefined;
}

const STATUSES: PreparedStatement = {
  name: 'jlis.certificates.statuses',
  text: `select keys.k, c.status from ${unnestParameters(['text'])} with ordinality as keys(serial, k)
    join jlis.certificates c on c.serial = keys.serial`,
};

/** Many certificates' statuses in one statement; one per serial, in order (undefined: none). */
export async function findCertificateStatuses(
  handle: DatabaseHandle,
  serials: readonly string[],
): Promise<(CertificateStatus | undefined)[]> {
  const rows = await queryPrepared<{ k: number; status: CertificateStatus }>(handle, STATUSES, [
    serials,
  ]);
  const found = serials.map((): CertificateStatus | undefined => undefined);
  for (const row of rows) found[Number(row.k) - 1] = row.status;
  return found;
}

/**
 * The status check every card confirmation makes: a prepared statement shared with the checks
 * made concurrently on the same handle (no My Number read).
 */
export const findCertificateStatus = batchedPerHandle(findCertificateStatuses, LOOKUP_BATCHING);

export async function upsertCertificates(
  handle: DatabaseHandle,
  certificates: readonly Certificate[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < certificates.length; i += INSERT_CHUNK) {
    const chunk = certificates.slice(i, i + INSERT_CHUNK).map((c) => ({
      serial: c.serial,
      my_number: c.myNumber,
      status: c.status,
      updated_at: at,
    }));
    await handle.db
      .insertInto('jlis.certificates')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('serial').doUpdateSet((eb) => ({
          my_number: eb.ref('excluded.my_number'),
          status: eb.ref('excluded.status'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** Changes a certificate's status; false when there is no such certificate. */
export async function setCertificateStatus(
  handle: DatabaseHandle,
  serial: string,
  status: CertificateStatus,
  at: Date,
): Promise<boolean> {
  const result = await handle.db
    .updateTable('jlis.certificates')
    .set({ status, updated_at: at })
    .where('serial', '=', serial)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Adds a resident (a birth, a move in); false when the My Number is registered already. */
export async function insertResident(handle: DatabaseHandle, resident: Resident): Promise<boolean> {
  const result = await handle.db
    .insertInto('jlis.residents')
    .values({
      my_number: resident.myNumber,
      name: resident.name,
      name_kana: resident.nameKana,
      birth_date: resident.birthDate,
      sex: resident.sex,
      address: resident.address,
    })
    .onConflict((oc) => oc.column('my_number').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Changes some facts of a resident (a move, a marriage); the resident after, or undefined. */
export async function updateResident(
  handle: DatabaseHandle,
  myNumber: string,
  change: Partial<Omit<Resident, 'myNumber'>>,
): Promise<Resident | undefined> {
  const set = {
    ...(change.name === undefined ? {} : { name: change.name }),
    ...(change.nameKana === undefined ? {} : { name_kana: change.nameKana }),
    ...(change.birthDate === undefined ? {} : { birth_date: change.birthDate }),
    ...(change.sex === undefined ? {} : { sex: change.sex }),
    ...(change.address === undefined ? {} : { address: change.address }),
  };
  if (Object.keys(set).length > 0) {
    await handle.db
      .updateTable('jlis.residents')
      .set(set)
      .where('my_number', '=', myNumber)
      .execute();
  }
  return findResident(handle, myNumber);
}

/**
 * Removes a resident (a death, a removal from the registry) and revokes their certificates, in
 * one transaction; false when there is no such resident.
 */
export async function removeResident(
  handle: DatabaseHandle,
  myNumber: string,
  at: Date,
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('jlis.residents')
      .where('my_number', '=', myNumber)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return false;
    await trx
      .updateTable('jlis.certificates')
      .set({ status: 'revoked', updated_at: at })
      .where('my_number', '=', myNumber)
      .execute();
    return true;
  });
}
