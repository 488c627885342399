// What writing a search answer costs in core, per call, against the way each piece was written
// before (measured in the same run): the JSON text straight from the value (writeJsonText) against
// JSON.stringify(writeJson(…)), day arithmetic in integers (addDays) against a Date and
// toISOString, reading a compact date (compactToIsoDate) against a regex and a Date round trip.
// Every eligibility answer does each of these (docs/benchmarks.md, "answer writing").
// Run after a build: `node packages/core/bench/answer-writing.mjs [calls]`.
import { determineCopay } from '../dist/copay.js';
import { addDays } from '../dist/dates.js';
import {
  buildSearchResponse,
  compactToIsoDate,
  qualificationResult,
  REFERENCE_CLASSIFICATION,
} from '../dist/oqs-message.js';
import { SEARCH_RESPONSE, writeJson, writeJsonText } from '../dist/oqs-schema.js';
import { seededRandom } from '../dist/seeded-random.js';

const N = Number(process.argv[2] ?? 500_000);
const random = seededRandom(19);
const pick = (values) => values[Math.floor(random() * values.length)];
const pad = (n, width) => String(n).padStart(width, '0');
const isoOf = (year) =>
  `${year}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)}`;

// Answers shaped like the spec search's (one qualification each, as most searches find).
const answers = Array.from({ length: 64 }, (_, i) => {
  const birthDate = isoOf(1940 + Math.floor(random() * 80));
  const view = {
    insuredCardClassification: '01',
    insurerNumber: pick(['06132013', '138057', '39131156']),
    insurerName: pick(['全国健康保険協会東京支部', '千代田区', '東京都後期高齢者医療広域連合']),
    insuredCardSymbol: pick(['記号１', null, 'ABC']),
    insuredIdentificationNumber: pad(1 + i * 7919, 8),
    insuredBranchNumber: '01',
    personalFamilyClassification: pick(['1', '2']),
    name: pick(['山田 太郎', '佐藤 "花子"', '鈴木 一郎']),
    nameKana: pick(['ﾔﾏﾀﾞ ﾀﾛｳ', 'ｻﾄｳ ﾊﾅｺ']),
    sex: pick(['1', '2']),
    birthDate,
    address: '東京都千代田区千代田１－１',
    postNumber: '1000001',
    qualificationDate: isoOf(2015),
    disqualificationDate: null,
    cardIssuedOn: isoOf(2020),
    cardValidFrom: null,
    cardValidTo: null,
    reasonOfLoss: null,
    copayRatio: '030',
    preschool: false,
    elderlyRecipientCertificate: null,
    limitApplicationCertificate: null,
  };
  const context = {
    at: new Date(Date.UTC(2025, 5, 1, 1, 2, i)),
    confirmationDate: '2025-06-01',
    medicalInstitutionCode: '0110113719',
    referenceClassification: REFERENCE_CLASSIFICATION.insuranceCardNumbers,
    searchInfo: {
      InsurerNumber: view.insurerNumber,
      InsuredIdentificationNumber: view.insuredIdentificationNumber,
      Birthdate: birthDate.replaceAll('-', ''),
      LimitApplicationCertificateRelatedConsFlg: '0',
    },
  };
  return buildSearchResponse(context, '1', [qualificationResult(view, null, undefined)]).XmlMsg;
});
const dates = Array.from({ length: 1024 }, () => isoOf(1900 + Math.floor(random() * 200)));
const compact = dates.map((d) => (random() < 0.05 ? `${d.slice(0, 8)}31` : d).replaceAll('-', ''));

// The way each was written before (and still the tests' reference for the calendar).
const before = {
  addDays(date, days) {
    const [y, m, d] = [date.slice(0, 4), date.slice(5, 7), date.slice(8, 10)].map(Number);
    return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
  },
  compactToIsoDate(value) {
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
    if (!match) return undefined;
    const iso = `${match[1]}-${match[2]}-${match[3]}`;
    const parsed = new Date(`${iso}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === iso
      ? iso
      : undefined;
  },
};

function measure(fn, inputs) {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += String(fn(inputs[i % inputs.length])).length; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += String(fn(inputs[i % inputs.length])).length;
  return { microseconds: Number(process.hrtime.bigint() - start) / 1e3 / N, sink };
}

const cases = [
  [
    'answer JSON',
    (a) => writeJsonText(SEARCH_RESPONSE, a),
    (a) => JSON.stringify(writeJson(SEARCH_RESPONSE, a)),
    answers,
  ],
  ['addDays ±1', (d) => addDays(d, -1), (d) => before.addDays(d, -1), dates],
  ['compactToIsoDate', compactToIsoDate, before.compactToIsoDate, compact],
];
console.log(`answer writing, ${N.toLocaleString('en-US')} calls each, Node ${process.version}`);
for (const [name, now, old, inputs] of cases) {
  for (const x of inputs)
    if (now(x) !== old(x)) throw new Error(`${name} disagrees with the old way on ${String(x)}`);
  const a = measure(now, inputs);
  const b = measure(old, inputs);
  console.log(
    `${name.padEnd(18)} ${a.microseconds.toFixed(3).padStart(7)} µs   before ${b.microseconds.toFixed(3).padStart(7)} µs   ratio ${(a.microseconds / b.microseconds).toFixed(2)}`,
  );
}
const births = dates.filter((d) => d <= '2025-06-01');
const copay = measure((d) => determineCopay(d, '2025-06-01', 'general').ratioCode, births);
console.log(
  `${'determineCopay'.padEnd(18)} ${copay.microseconds.toFixed(3).padStart(7)} µs   (no baseline: its addDays calls are above)`,
);
