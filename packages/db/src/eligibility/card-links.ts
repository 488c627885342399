import type { DatabaseHandle } from '../database.js';

/** 保険証利用登録: links a card's certificate serial to a person (a re-registration relinks). */
export async function upsertCardLink(
  handle: DatabaseHandle,
  link: { certificateSerial: string; personRef: string; institutionCode: string },
  at: Date,
): Promise<void> {
  await handle.db
    .insertInto('eligibility.card_links')
    .values({
      certificate_serial: link.certificateSerial,
      person_ref: link.personRef,
      institution_code: link.institutionCode,
      registered_at: at,
    })
    .onConflict((oc) =>
      oc.column('certificate_serial').doUpdateSet({
        person_ref: link.personRef,
        institution_code: link.institutionCode,
        registered_at: at,
      }),
    )
    .execute();
}

export async function findCardLink(
  handle: DatabaseHandle,
  certificateSerial: string,
): Promise<{ personRef: string } | undefined> {
  const row = await handle.db
    .selectFrom('eligibility.card_links')
    .select('person_ref')
    .where('certificate_serial', '=', certificateSerial)
    .executeTakeFirst();
  return row ? { personRef: row.person_ref } : undefined;
}
