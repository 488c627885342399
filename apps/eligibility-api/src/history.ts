// Synthetic drug (薬剤情報) and specific health checkup (特定健診) histories. They are derived from
// (seed, personRef) alone, so every run and every process shows the same history for a person
// without storing it, and the 3-year / 5-year windows are applied to the as-of date.
import { createHash } from 'node:crypto';
import { seededRandom } from '@shikaku/core/seeded-random';
import { addYears } from '@shikaku/core/dates';

export interface DrugRecord {
  dispensedOn: string;
  drugName: string;
  quantity: number;
  days: number;
}

export interface CheckupRecord {
  checkedOn: string;
  heightCm: number;
  weightKg: number;
  systolic: number;
  diastolic: number;
  hba1c: number;
}

const DRUGS = [
  'アムロジピン錠5mg',
  'ロキソプロフェンナトリウム錠60mg',
  'ランソプラゾールOD錠15mg',
  'メトホルミン塩酸塩錠250mg',
  'カルボシステイン錠500mg',
  'アトルバスタチン錠10mg',
  'レバミピド錠100mg',
  'セレコキシブ錠100mg',
];

/** A seeded generator for one person: the same seed and person give the same history. */
function generator(seed: number, personRef: string, salt: string): () => number {
  return seededRandom(
    createHash('sha256').update(`${seed}:${salt}:${personRef}`).digest().readUInt32LE(0),
  );
}

const daysBefore = (on: string, days: number) =>
  new Date(Date.parse(`${on}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Dispensings within the 3 years up to `on`, newest first. */
export function drugHistory(seed: number, personRef: string, on: string): DrugRecord[] {
  const next = generator(seed, personRef, 'drug');
  const from = addYears(on, -3);
  const count = Math.floor(next() * 12);
  const records: DrugRecord[] = [];
  for (let i = 0; i < count; i++) {
    const dispensedOn = daysBefore(on, Math.floor(next() * 365 * 4));
    const drugName = DRUGS[Math.floor(next() * DRUGS.length)] ?? DRUGS[0]!;
    const days = 7 * (1 + Math.floor(next() * 4));
    const record = { dispensedOn, drugName, quantity: days * (1 + Math.floor(next() * 3)), days };
    if (dispensedOn > from) records.push(record);
  }
  return records.sort((a, b) => b.dispensedOn.localeCompare(a.dispensedOn));
}

/** Yearly checkups within the 5 years up to `on`, newest first. */
export function checkupHistory(seed: number, personRef: string, on: string): CheckupRecord[] {
  const next = generator(seed, personRef, 'checkup');
  const from = addYears(on, -5);
  const heightCm = Math.round(150 + next() * 35);
  const records: CheckupRecord[] = [];
  for (let year = 0; year < 7; year++) {
    const checkedOn = daysBefore(on, year * 365 + Math.floor(next() * 200));
    if (checkedOn <= from) continue;
    records.push({
      checkedOn,
      heightCm,
      weightKg: Math.round((heightCm - 100) * (0.8 + next() * 0.4) * 10) / 10,
      systolic: Math.round(105 + next() * 45),
      diastolic: Math.round(65 + next() * 30),
      hba1c: Math.round((5 + next() * 2) * 10) / 10,
    });
  }
  return records;
}
