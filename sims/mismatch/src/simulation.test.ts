import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneErrorModel, DEFAULT_ERROR_MODEL, setRate } from '@shikaku/synth/error-model';
import { renderReportHtml } from './report-html.js';
import { runMismatchSimulation, type EraResult, type MismatchReport } from './simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-mismatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Errors raised so that 6,000 rows hold enough of each mechanism to say something.
const model = setRate(cloneErrorModel(DEFAULT_ERROR_MODEL), 'error', 0.05);
const base = {
  existing: 60_000,
  incoming: 6_000,
  seed: 3,
  workers: 2,
  policy: 'seed' as const,
  model,
};
const era = (r: MismatchReport, asOf: string) => r.eras.find((e) => e.asOf === asOf)!;
const mech = (e: EraResult, m: string) => e.evaluation.byMechanism.find((x) => x.mechanism === m)!;
const cause = (e: EraResult, c: string) =>
  e.evaluation.falseAlarmsByCause.find((x) => x.cause === c);

describe('runMismatchSimulation', () => {
  it('scores every policy era, and the bulk engine agrees with core on every row', async () => {
    const r = await runMismatchSimulation({ ...base, asOf: '2021-07-15', dataDir: dir });
    expect(r.engine.source).toBe('generated');
    expect(r.eras.map((e) => e.asOf)).toEqual([
      '2021-07-15',
      '2021-04-15',
      '2023-06-01',
      '2024-06-01',
    ]);
    for (const e of r.eras) {
      expect(e.coreAgreement).toMatchObject({ rows: base.incoming, disagreements: 0 });
      expect(e.evaluation.rows).toBe(base.incoming);
    }
    const y2021 = era(r, '2021-07-15');
    // Not true by construction: right registrations raise false alarms (marriage → kana rule) …
    expect(cause(y2021, 'marriage')?.falseAlarms).toBeGreaterThan(0);
    expect(y2021.evaluation.overall.precision.value).toBeLessThan(1);
    // … and the namesake of a four-fact lookup passes every 2021 rule, but not the five facts of 2023.
    expect(mech(y2021, 'four-fact-lookup').recall.value).toBe(0);
    expect(mech(era(r, '2023-06-01'), 'four-fact-lookup').caught).toBeGreaterThan(0);
    // Before the J-LIS query (2021-04) a mistyped number with no history passes.
    expect(mech(era(r, '2021-04-15'), 'typo').missed).toBeGreaterThan(mech(y2021, 'typo').missed);
    // J-LIS for every registration asks J-LIS about (nearly) every row that reaches it.
    expect(era(r, '2024-06-01').evaluation.jlisQueriesPer10k).toBeGreaterThan(
      y2021.evaluation.jlisQueriesPer10k,
    );
    // The Fellegi–Sunter second opinion, learned from the same rows: at the rules' false-alarm
    // budget it raises no more false alarms, and it reads the address the 2021 rules do not, so it
    // flags four-fact namesakes the rules miss (they live in another household).
    for (const e of r.eras) {
      const b = e.linkage.atRuleBudget;
      expect(e.linkage.converged).toBe(true);
      expect(b.falseAlarms).toBeLessThanOrEqual(b.budget);
      expect(b.budget).toBe(e.evaluation.overall.falsePositives);
      expect(b.rulesMissed).toBe(e.evaluation.overall.falseNegatives);
      const atRecall = e.linkage.atRuleRecall;
      if (atRecall)
        expect(atRecall.truePositives).toBeGreaterThanOrEqual(atRecall.rulesTruePositives);
    }
    const fourFact = y2021.linkage.atRuleBudget.byMechanism.find(
      (m) => m.mechanism === 'four-fact-lookup',
    )!;
    expect(fourFact.rulesMissed).toBeGreaterThan(0);
    expect(fourFact.missesFlagged).toBeGreaterThan(0);
    const p = y2021.evaluation.overall.precision;
    expect(p.low!).toBeLessThanOrEqual(p.value!);
    expect(p.high!).toBeGreaterThanOrEqual(p.value!);
    expect(r.peakRssBytes).toBeGreaterThan(0);
  });

  it('loads the saved columns on the next run and gives the same outcomes', async () => {
    const first = await runMismatchSimulation({
      ...base,
      asOf: '2021-07-15',
      dataDir: dir,
      eras: 'primary',
    });
    expect(first.engine.source).toBe('loaded');
    expect(first.engine.endToEndMs).toBeGreaterThan(0);
    const again = await runMismatchSimulation({
      ...base,
      workers: 1,
      asOf: '2021-07-15',
      eras: 'primary',
    });
    expect(again.evaluation).toEqual(first.evaluation);
  });

  it('agrees with DuckDB doing the same classification in SQL', async () => {
    const r = await runMismatchSimulation({
      ...base,
      asOf: '2024-06-01',
      policy: 'current',
      dataDir: dir,
      compareDuckdb: true,
      eras: 'primary',
    });
    expect(r.duckdb?.agrees).toBe(true);
    expect(r.duckdb!.counts.NEEDS_JLIS!.rows).toBe(
      base.incoming -
        (r.duckdb!.counts.BIRTH_DATE_MISMATCH?.rows ?? 0) -
        (r.duckdb!.counts.KANA_NAME_MISMATCH?.rows ?? 0),
    );
    const html = renderReportHtml(r);
    expect(html).toContain('new Chart(');
    expect(html).toContain('Second opinion: a Fellegi–Sunter linkage score');
    expect(html).not.toContain('exactly what they are designed');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
  });
});
