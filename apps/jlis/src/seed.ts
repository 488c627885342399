import type { DatabaseHandle } from '@shikaku/db/database';
import {
  countResidents,
  upsertCertificates,
  upsertResidents,
  type Certificate,
  type Resident,
} from '@shikaku/db/jlis/residents';
import type { SyntheticPerson } from '@shikaku/synth/population';

const BATCH = 2_000;

/**
 * Seeds residents and their card certificates from the synthetic population, when the registry
 * is empty (a restarted stack keeps what it has). Returns how many residents there are.
 */
export async function seedResidents(
  handle: DatabaseHandle,
  persons: Iterable<SyntheticPerson>,
  at: Date,
): Promise<{ residents: number; seeded: boolean }> {
  const existing = await countResidents(handle);
  if (existing > 0) return { residents: existing, seeded: false };
  let residents: Resident[] = [];
  let certificates: Certificate[] = [];
  let total = 0;
  const flush = async () => {
    await upsertResidents(handle, residents);
    await upsertCertificates(handle, certificates, at);
    total += residents.length;
    residents = [];
    certificates = [];
  };
  for (const person of persons) {
    residents.push({
      myNumber: person.myNumber,
      name: person.name,
      nameKana: person.nameKana,
      birthDate: person.birthDate,
      sex: String(person.sex) as Resident['sex'],
      address: person.address,
    });
    if (person.card) {
      certificates.push({
        serial: person.card.certificateSerial,
        myNumber: person.myNumber,
        status: person.card.status,
      });
    }
    if (residents.length >= BATCH) await flush();
  }
  await flush();
  return { residents: total, seeded: true };
}
