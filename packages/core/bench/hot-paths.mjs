// Throughput of the identifier checks and kana normalisation that bulk matching and load-test
// fixture generation call millions of times, against naive baselines measured in the same run
// (regex + split/map/reduce, the way these checks are usually first written).
// Run after a build: `pnpm --filter @shikaku/core bench` (or `node bench/hot-paths.mjs`).
import { isValidInstitutionCode } from '../dist/institution-code.js';
import { isValidInsurerNumber } from '../dist/insurer-number.js';
import { normalizeKanaForMatching } from '../dist/kana.js';
import { isValidMyNumber, myNumberFromBody } from '../dist/my-number.js';

const N = Number(process.argv[2] ?? 1_000_000);

// Deterministic inputs (a linear congruential sequence; no Math.random).
let state = 20210331;
const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
const digits = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += String(next() % 10);
  return s;
};
const myNumbers = Array.from({ length: 1000 }, (_, i) =>
  i % 10 === 0 ? digits(12) : myNumberFromBody(digits(11)),
);
const insurers = Array.from({ length: 1000 }, () => `0${1 + (next() % 9)}13${digits(4)}`);
const institutions = Array.from({ length: 1000 }, () => `131${digits(7)}`);
const KANA = ['シカク タロウ', 'ｼｶｸ ﾊﾅｺ', 'やまだ　はなこ', 'サトー ジロウ', 'ヤマダ－イチロウ'];
const kanaNames = Array.from({ length: 1000 }, (_, i) => KANA[i % KANA.length]);

const naive = {
  myNumber(s) {
    if (!/^\d{12}$/.test(s)) return false;
    const d = s.split('').map(Number);
    const w = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    const r = d.slice(0, 11).reduce((a, x, i) => a + x * w[i], 0) % 11;
    return d[11] === (r <= 1 ? 0 : 11 - r);
  },
  luhn(s) {
    const body = s.slice(0, -1).split('').reverse().map(Number);
    const sum = body
      .map((x, i) => (i % 2 === 0 ? x * 2 : x))
      .map((x) => (x > 9 ? x - 9 : x))
      .reduce((a, x) => a + x, 0);
    return Number(s.at(-1)) === (10 - (sum % 10)) % 10;
  },
  insurer(s) {
    const t = s.trim().replace(/^00(?=\d{6}$)/, '');
    return /^(\d{6}|\d{8})$/.test(t) && naive.luhn(t);
  },
  institution(s) {
    return /^\d{2}[134]\d{7}$/.test(s) && naive.luhn(s);
  },
  kana(s) {
    return s
      .normalize('NFKC')
      .replace(/\s+/g, '')
      .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
      .replace(/[-‐‑‒–—―−ー~〜～]/g, 'ー');
  },
};

function measure(fn, inputs) {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += fn(inputs[i % inputs.length]) ? 1 : 0; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += fn(inputs[i % inputs.length]) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: N / seconds, sink };
}

const cases = [
  ['isValidMyNumber', isValidMyNumber, naive.myNumber, myNumbers],
  ['isValidInsurerNumber', isValidInsurerNumber, naive.insurer, insurers],
  ['isValidInstitutionCode', isValidInstitutionCode, naive.institution, institutions],
  ['normalizeKanaForMatching', normalizeKanaForMatching, naive.kana, kanaNames],
];
console.log(`hot paths, ${N.toLocaleString('en-US')} calls each, Node ${process.version}`);
for (const [name, fast, slow, inputs] of cases) {
  for (const x of inputs) {
    if (typeof fast(x) === 'boolean' && fast(x) !== slow(x))
      throw new Error(`${name} disagrees on ${x}`);
    if (typeof fast(x) === 'string' && fast(x) !== slow(x))
      throw new Error(`${name} disagrees on ${x}`);
  }
  const a = measure(fast, inputs);
  const b = measure(slow, inputs);
  console.log(
    `${name.padEnd(26)} ${(a.perSecond / 1e6).toFixed(2).padStart(7)} M/s   baseline ${(b.perSecond / 1e6).toFixed(2).padStart(6)} M/s   ratio ×${(a.perSecond / b.perSecond).toFixed(1)}`,
  );
}
