// The word lists a synthetic person's address and contact details index: hand-made 町名 plus the
// ones faker's ja locale makes from a fixed seed, and faker's phone formats, mail domains and
// user-name stems. Kept apart from geography.ts so that what needs only the prefectures (the
// portal) does not load faker's locale at start-up.
import { faker } from '@faker-js/faker/locale/ja';

/** Common 町名, written for this project. */
const HAND_MADE_TOWNS: readonly string[] = [
  '本町',
  '中央',
  '栄町',
  '緑町',
  '旭町',
  '若葉',
  '桜木町',
  '松原',
  '東町',
  '西町',
  '南町',
  '北町',
  '新町',
  '宮前',
  '高砂',
  '幸町',
  '寿町',
  '日の出町',
  '泉町',
  '青葉',
];

/** How many 町名 faker adds to the hand-made ones (256 in all). */
const FAKER_TOWNS = 236;
const FAKER_SEED = 0x70e5;

/**
 * 町名 made by faker's ja locale (the family-name part of its city pattern with 町: 青柳町, 鶴田町),
 * built once at load from a fixed seed with the pinned faker version, so every process has the same
 * list; a person's address only indexes it, so generation stays as fast as before. Faker's
 * generic ja city names (港葵市, 新昭子市) read less like real places, and its ja street names are
 * English: only this part of its address data is used.
 */
function fakerTowns(count: number): string[] {
  faker.seed(FAKER_SEED);
  const seen = new Set(HAND_MADE_TOWNS);
  const out: string[] = [];
  while (out.length < count) {
    const town = `${faker.person.lastName()}町`;
    if (!seen.has(town)) {
      seen.add(town);
      out.push(town);
    }
  }
  return out;
}

/** Towns of a seat city: the hand-made ones, then faker's. */
export const TOWNS: readonly string[] = [...HAND_MADE_TOWNS, ...fakerTowns(FAKER_TOWNS)];

// ---- contact details (faker's ja formats and domains, filled by the population's hashes) -------

/** Mobile numbers, e.g. 090-1234-5678 (faker ja cell_phone formats). */
export const MOBILE_PHONE_FORMATS: readonly string[] = [
  ...((faker.rawDefinitions.cell_phone as { formats?: string[] } | undefined)?.formats ?? [
    '090-####-####',
  ]),
];
/** Fixed lines, e.g. 03-1234-5678 or 0123-45-6789 (faker ja phone_number human formats). */
export const LANDLINE_PHONE_FORMATS: readonly string[] = (
  faker.rawDefinitions.phone_number?.format?.human ?? ['0##-###-####']
).slice();
/** Free mail domains (faker ja internet free_email). */
export const EMAIL_DOMAINS: readonly string[] = (
  faker.rawDefinitions.internet?.free_email ?? ['example.jp']
).slice();
/** User-name stems for e-mail local parts, made once by faker (the person's index keeps them unique). */
export const EMAIL_STEMS: readonly string[] = (() => {
  faker.seed(FAKER_SEED + 1);
  return Array.from(
    { length: 1024 },
    () =>
      faker.internet
        .username()
        .toLowerCase()
        .replace(/[^a-z0-9._]/gu, '')
        .slice(0, 12)
        .replace(/^[._]+|[._]+$/gu, '') || 'user',
  );
})();
