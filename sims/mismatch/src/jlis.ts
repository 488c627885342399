import {
  classifyRegistration,
  MIS_ENTRY_OUTCOMES,
  type MisEntryPolicy,
  type PersonFacts,
} from '@shikaku/core/mis-entry';
import type { MemberColumns } from '@shikaku/synth/columnar';
import { isoFromDays } from '@shikaku/synth/days';
import type { IncomingColumns } from '@shikaku/synth/incoming';
import { kanaOfId, personIndexOfMyNumber } from '@shikaku/synth/population';

const NEEDS_JLIS = MIS_ENTRY_OUTCOMES.indexOf('NEEDS_JLIS');

/**
 * The J-LIS step of the simulation: every NEEDS_JLIS row is looked up in the resident registry
 * (the whole synthetic population) and finished by core's classifyRegistration with the answer.
 * Columns carry kana, birth date and sex, so the facts compared are those (kanji name and
 * address are the same on both sides here).
 */
export function resolveWithJlis(
  codes: Uint8Array,
  incoming: IncomingColumns,
  residents: MemberColumns,
  seed: number,
  asOf: string,
  policy: MisEntryPolicy,
): { codes: Uint8Array; queried: number } {
  const out = codes.slice();
  let queried = 0;
  for (let r = 0; r < incoming.length; r++) {
    if (codes[r] !== NEEDS_JLIS) continue;
    queried++;
    const myNumber = String(incoming.myNumber[r]).padStart(12, '0');
    const owner = personIndexOfMyNumber(seed, residents.length, myNumber);
    const registration = {
      myNumber,
      insurerNumber: '',
      name: '',
      address: '',
      kanaName: kanaOfId(incoming.kanaId[r]!),
      birthDate: isoFromDays(incoming.birthDays[r]!),
      sex: String(residents.sex[incoming.subject[r]!] ?? 3),
    };
    const jlis: PersonFacts | null =
      owner < 0
        ? null
        : {
            name: '',
            address: '',
            kanaName: kanaOfId(residents.kanaId[owner]!),
            birthDate: isoFromDays(residents.birthDays[owner]!),
            sex: String(residents.sex[owner]),
          };
    const outcome = classifyRegistration(registration, [], jlis, asOf, policy);
    out[r] = MIS_ENTRY_OUTCOMES.indexOf(outcome.code);
  }
  return { codes: out, queried };
}
