import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from './report-html.js';
import { runMismatchSimulation, type MismatchReport } from './simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-mismatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { existing: 60_000, incoming: 6_000, seed: 3, workers: 2, policy: 'seed' as const };
const score = (r: MismatchReport, pattern: string) =>
  r.evaluation.patterns.find((p) => p.pattern === pattern)!;

describe('runMismatchSimulation', () => {
  it('scores exactly what each 2021 rule is designed to catch (rules as of 2021-07-15)', async () => {
    const r = await runMismatchSimulation({ ...base, asOf: '2021-07-15', dataDir: dir });
    expect(r.engine.source).toBe('generated');
    expect(score(r, 'birth-date-typo').recall).toBe(1);
    expect(score(r, 'birth-date-typo').outcomes).toEqual({
      BIRTH_DATE_MISMATCH: score(r, 'birth-date-typo').rows,
    });
    expect(score(r, 'twins').outcomes).toEqual({ KANA_NAME_MISMATCH: score(r, 'twins').rows });
    expect(score(r, 'wrong-number').recall).toBe(1);
    expect(score(r, 'wrong-number-unregistered').outcomes).toEqual({
      JLIS_MISMATCH: score(r, 'wrong-number-unregistered').rows,
    });
    expect(score(r, 'jlis-disagree').recall).toBe(1);
    // No rule can see someone else's number when birth date and kana name agree: all missed.
    expect(score(r, 'wrong-number-same-facts').recall).toBe(0);
    expect(score(r, 'wrong-number-same-facts').rows).toBeGreaterThan(0);
    for (const clean of ['job-change', 'kana-width-variant', 'new-member']) {
      expect(score(r, clean).falseAlarms).toBe(0);
    }
    expect(score(r, 'new-member').outcomes).toEqual({ JLIS_VERIFIED: score(r, 'new-member').rows });
    expect(r.evaluation.overall.precision).toBe(1);
    expect(r.evaluation.overall.rows).toBe(base.incoming);
    expect(r.peakRssBytes).toBeGreaterThan(0);
  });

  it('loads the saved columns on the next run and gives the same outcomes', async () => {
    const first = await runMismatchSimulation({ ...base, asOf: '2021-07-15', dataDir: dir });
    expect(first.engine.source).toBe('loaded');
    expect(first.engine.endToEndMs).toBeGreaterThan(0);
    const again = await runMismatchSimulation({ ...base, workers: 1, asOf: '2021-07-15' });
    expect(again.evaluation).toEqual(first.evaluation);
  });

  it('shows what a rule not yet in force misses (2021-04-15: no kana check, no J-LIS query)', async () => {
    const r = await runMismatchSimulation({ ...base, asOf: '2021-04-15' });
    expect(score(r, 'twins').recall).toBe(0);
    expect(score(r, 'birth-date-typo').recall).toBe(1);
    expect(score(r, 'new-member').outcomes).toEqual({ NOT_CHECKED: score(r, 'new-member').rows });
  });

  it('agrees with DuckDB doing the same classification in SQL', async () => {
    const r = await runMismatchSimulation({
      ...base,
      asOf: '2024-06-01',
      policy: 'current',
      dataDir: dir,
      compareDuckdb: true,
    });
    expect(r.duckdb?.agrees).toBe(true);
    expect(r.duckdb!.counts.NEEDS_JLIS!.rows).toBe(
      base.incoming -
        r.duckdb!.counts.BIRTH_DATE_MISMATCH!.rows -
        r.duckdb!.counts.KANA_NAME_MISMATCH!.rows,
    );
    const html = renderReportHtml(r);
    expect(html).toContain('new Chart(');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
  });
});
