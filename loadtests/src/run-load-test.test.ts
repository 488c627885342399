import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfile, planStages } from './profile.js';
import { describeMachine } from './resources.js';
import { readSummary, resultsFolderName, runLoadTest } from './run-load-test.js';
import { SUMMARY_FORMAT } from './summary.js';
import { sampleFixtures } from './testing/fake-eligibility.js';

const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

describe('runLoadTest with the k6 runner', () => {
  it('passes the profile, fixtures and target to k6 and reports from the summary k6 wrote', async () => {
    const { profile } = await loadProfile('smoke');
    const planned = planStages(profile, 0.5);
    // A stand-in `k6` on PATH: records its arguments and writes a whole-run summary, as
    // handleSummary does (no timeline).
    const bin = await mkdtemp(join(tmpdir(), 'fake-k6-'));
    const summary = {
      format: SUMMARY_FORMAT,
      runner: 'k6',
      profile,
      durationScale: 0.5,
      target: 'http://127.0.0.1:9',
      startedAt: '2026-01-05T00:00:00.000Z',
      durationS: 7.5,
      windowS: 7.5,
      plannedStages: planned,
      stages: [],
      totals: { scheduled: 60, sent: 60, completed: 60, ok: 60, errors: 0, dropped: 0 },
      routes: {},
      timeline: [],
      errors: {},
      thresholds: [{ name: 'p99 latency (ms)', limit: 1000, actual: 12, pass: true }],
      pass: true,
      notes: [],
    };
    await writeFile(join(bin, 'summary.json'), JSON.stringify(summary));
    await writeFile(
      join(bin, 'k6'),
      `#!/bin/sh\necho "$@" > ${bin}/args.txt\nfor a in "$@"; do case "$a" in SUMMARY=*) cp ${bin}/summary.json "\${a#SUMMARY=}";; esac; done\nexit 0\n`,
    );
    await chmod(join(bin, 'k6'), 0o755);
    process.env.PATH = `${bin}:${originalPath}`;
    const results = await mkdtemp(join(tmpdir(), 'k6-results-'));
    const { summary: read, dir } = await runLoadTest({
      profile,
      fixtures: sampleFixtures(),
      target: 'http://127.0.0.1:9',
      runner: 'k6',
      durationScale: 0.5,
      seed: 1,
      confirmationDate: '2025-10-06',
      resultsDir: results,
      environment: describeMachine({
        gitCommit: 'abc',
        seed: 1,
        database: 'x',
        targetStartedByRunner: false,
      }),
      now: new Date('2026-01-05T09:00:00Z'),
    });
    expect(dir.endsWith(resultsFolderName(new Date('2026-01-05T09:00:00Z'), 'smoke'))).toBe(true);
    expect(read.runner).toBe('k6');
    const args = await readFile(join(bin, 'args.txt'), 'utf8');
    expect(args).toContain(`PROFILE=${join(dir, 'profile.json')}`);
    expect(JSON.parse(await readFile(join(dir, 'profile.json'), 'utf8'))).toEqual(profile);
    expect(args).toContain(`FIXTURES=${join(dir, 'fixtures.json')}`);
    expect(args).toContain('TARGET=http://127.0.0.1:9');
    expect(args).toMatch(/k6\/eligibility\.ts/);
    expect((await readdir(dir)).sort()).toEqual([
      'fixtures.json',
      'profile.json',
      'report.html',
      'summary.json',
      'summary.k6.json',
    ]);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain(
      'No timeline in this summary',
    );
    await expect(readSummary(join(dir, 'fixtures.json'))).rejects.toThrow(
      /not a shikaku load-test summary/,
    );
  });
});
