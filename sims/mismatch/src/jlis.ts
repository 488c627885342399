import {
  classifyRegistration,
  MIS_ENTRY_OUTCOMES,
  type MemberRegistration,
  type MisEntryPolicy,
  type PersonFacts,
} from '@shikaku/core/mis-entry';
import type { MemberColumns } from '@shikaku/synth/columnar';
import { isoFromDays } from '@shikaku/synth/days';
import type { IncomingColumns } from '@shikaku/synth/incoming';
import { kanaOfId, personIndexOfMyNumber } from '@shikaku/synth/population';

const NEEDS_JLIS = MIS_ENTRY_OUTCOMES.indexOf('NEEDS_JLIS');

export interface CoreFinish {
  /** Final outcome per row (core's rule with history and, where asked, J-LIS's answer). */
  codes: Uint8Array;
  /** 1 where J-LIS was asked. */
  queried: Uint8Array;
  /** Rows on which the bulk engine's outcome differs from core's rule (must be 0). */
  disagreements: number;
  /** The first such row, for the report. */
  firstDisagreement: { row: number; engine: string; core: string } | null;
}

/**
 * Every row once more through core's classifyRegistration, with its history (the stored
 * registration of the number, if any: a registered person's population record) and, for the rows
 * that need it, J-LIS's answer (the resident registry: the whole population, looked up by number;
 * its current record for the owner comes with the incoming columns, so a name changed by marriage
 * is the new one there). Holds the bulk engine to core on every row, and finishes NEEDS_JLIS.
 *
 * 漢字氏名 and 住所 are compared as tokens: the same name reads the same and differs only by the
 * registration's nameForm (旧字体 / other kanji); the address is J-LIS's unless the registration's
 * addressForm says otherwise (notation, stale, another household's).
 */
export function finishWithCore(
  engineCodes: Uint8Array,
  incoming: IncomingColumns,
  population: MemberColumns,
  existing: number,
  seed: number,
  asOf: string,
  policy: MisEntryPolicy,
): CoreFinish {
  const codes = new Uint8Array(incoming.length);
  const queried = new Uint8Array(incoming.length);
  let disagreements = 0;
  let firstDisagreement: CoreFinish['firstDisagreement'] = null;
  const none: MemberRegistration[] = [];
  const one: MemberRegistration[] = [{} as MemberRegistration];
  for (let r = 0; r < incoming.length; r++) {
    const myNumber = String(incoming.myNumber[r]).padStart(12, '0');
    const owner = personIndexOfMyNumber(seed, population.length, myNumber);
    if (owner !== incoming.owner[r]) {
      throw new Error(
        `row ${r}: the number's owner is ${owner}, the generator says ${incoming.owner[r]}`,
      );
    }
    const kanaName = kanaOfId(incoming.kanaId[r]!);
    const registration: MemberRegistration = {
      myNumber,
      insurerNumber: '',
      name: incoming.nameForm[r] ? `${kanaName}#variant` : kanaName,
      kanaName,
      birthDate: isoFromDays(incoming.birthDays[r]!),
      sex: String(incoming.sex[r]),
      address: incoming.addressForm[r] ? `address#${incoming.addressForm[r]}` : 'address',
    };
    let history = none;
    if (owner >= 0 && owner < existing) {
      const storedKana = kanaOfId(population.kanaId[owner]!);
      one[0] = {
        myNumber,
        insurerNumber: '',
        name: storedKana,
        kanaName: storedKana,
        birthDate: isoFromDays(population.birthDays[owner]!),
        sex: String(population.sex[owner]),
        address: 'address',
      };
      history = one;
    }
    const pre = MIS_ENTRY_OUTCOMES.indexOf(
      classifyRegistration(registration, history, undefined, asOf, policy).code,
    );
    if (pre !== engineCodes[r]) {
      disagreements++;
      firstDisagreement ??= {
        row: r,
        engine: MIS_ENTRY_OUTCOMES[engineCodes[r]!] ?? String(engineCodes[r]),
        core: MIS_ENTRY_OUTCOMES[pre]!,
      };
    }
    if (pre !== NEEDS_JLIS) {
      codes[r] = pre;
      continue;
    }
    queried[r] = 1;
    let jlis: PersonFacts | null = null;
    if (owner >= 0) {
      const kana = kanaOfId(incoming.jlisKanaId[r]!);
      jlis = {
        name: kana,
        kanaName: kana,
        birthDate: isoFromDays(incoming.jlisBirthDays[r]!),
        sex: String(population.sex[owner]),
        address: 'address',
      };
    }
    codes[r] = MIS_ENTRY_OUTCOMES.indexOf(
      classifyRegistration(registration, history, jlis, asOf, policy).code,
    );
  }
  return { codes, queried, disagreements, firstDisagreement };
}
