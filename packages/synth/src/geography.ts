import { faker } from '@faker-js/faker/locale/ja';

/**
 * Prefectures (JIS X 0401 order, code = index + 1) with their 2020 census population (10,000s),
 * a seat city and the first three digits of a post number there. Town names are generic, so the
 * addresses read like real ones without pointing at a real household.
 */
export interface Prefecture {
  code: number;
  name: string;
  population: number;
  city: string;
  postPrefix: string;
}

const RAW: readonly (readonly [string, number, string, string])[] = [
  ['北海道', 522, '札幌市', '060'],
  ['青森県', 124, '青森市', '030'],
  ['岩手県', 121, '盛岡市', '020'],
  ['宮城県', 230, '仙台市', '980'],
  ['秋田県', 96, '秋田市', '010'],
  ['山形県', 107, '山形市', '990'],
  ['福島県', 183, '福島市', '960'],
  ['茨城県', 287, '水戸市', '310'],
  ['栃木県', 193, '宇都宮市', '320'],
  ['群馬県', 194, '前橋市', '371'],
  ['埼玉県', 734, 'さいたま市', '330'],
  ['千葉県', 628, '千葉市', '260'],
  ['東京都', 1405, '新宿区', '160'],
  ['神奈川県', 924, '横浜市', '220'],
  ['新潟県', 220, '新潟市', '950'],
  ['富山県', 103, '富山市', '930'],
  ['石川県', 113, '金沢市', '920'],
  ['福井県', 77, '福井市', '910'],
  ['山梨県', 81, '甲府市', '400'],
  ['長野県', 205, '長野市', '380'],
  ['岐阜県', 198, '岐阜市', '500'],
  ['静岡県', 363, '静岡市', '420'],
  ['愛知県', 754, '名古屋市', '450'],
  ['三重県', 177, '津市', '514'],
  ['滋賀県', 141, '大津市', '520'],
  ['京都府', 258, '京都市', '600'],
  ['大阪府', 884, '大阪市', '530'],
  ['兵庫県', 547, '神戸市', '650'],
  ['奈良県', 132, '奈良市', '630'],
  ['和歌山県', 92, '和歌山市', '640'],
  ['鳥取県', 55, '鳥取市', '680'],
  ['島根県', 67, '松江市', '690'],
  ['岡山県', 189, '岡山市', '700'],
  ['広島県', 280, '広島市', '730'],
  ['山口県', 134, '山口市', '753'],
  ['徳島県', 72, '徳島市', '770'],
  ['香川県', 95, '高松市', '760'],
  ['愛媛県', 133, '松山市', '790'],
  ['高知県', 69, '高知市', '780'],
  ['福岡県', 514, '福岡市', '810'],
  ['佐賀県', 81, '佐賀市', '840'],
  ['長崎県', 131, '長崎市', '850'],
  ['熊本県', 174, '熊本市', '860'],
  ['大分県', 112, '大分市', '870'],
  ['宮崎県', 107, '宮崎市', '880'],
  ['鹿児島県', 159, '鹿児島市', '890'],
  ['沖縄県', 147, '那覇市', '900'],
];

export const PREFECTURES: readonly Prefecture[] = RAW.map(
  ([name, population, city, postPrefix], i) => ({
    code: i + 1,
    name,
    population,
    city,
    postPrefix,
  }),
);

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

/** Two-digit prefecture code, '01'–'47'. */
export function prefectureCode(code: number): string {
  return code < 10 ? `0${code}` : String(code);
}
