import type { DatabaseHandle } from '@shikaku/db/database';
import { countResidents, type Certificate, type Resident } from '@shikaku/db/jlis/residents';
import { loadResidents } from '@shikaku/db/jlis/seed-load';
import type { SyntheticPerson } from '@shikaku/synth/population';

/**
 * Seeds residents and their card certificates from the synthetic population, when the registry
 * is empty (a restarted stack keeps what it has), in one bulk load. Returns how many residents
 * there are. Two seeders at once: one seeds, the other finds its rows and writes nothing.
 */
export async function seedResidents(
  handle: DatabaseHandle,
  persons: Iterable<SyntheticPerson>,
  at: Date,
): Promise<{ residents: number; seeded: boolean }> {
  // Saves generating the population when the registry is seeded; the load checks again, locked.
  const existing = await countResidents(handle);
  if (existing > 0) return { residents: existing, seeded: false };
  const residents: Resident[] = [];
  const certificates: Certificate[] = [];
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
  }
  const loaded = await loadResidents(handle, residents, certificates, at);
  if (loaded === undefined) return { residents: await countResidents(handle), seeded: false };
  return { residents: loaded, seeded: true };
}
