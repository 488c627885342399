import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  sampleFixtures,
  startFakeEligibility,
  type FakeEligibility,
} from '@shikaku/loadtests/testing/fake-eligibility';
import { CliError } from '../output.js';
import { buildProgram } from '../program.js';
import { STACK_COMPONENTS } from '../stack/components.js';
import { parseScaleOption } from './loadtest.js';

let fake: FakeEligibility | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fake?.close();
  fake = undefined;
});

async function run(args: string[]): Promise<{ out: string; error: unknown }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  try {
    await buildProgram().parseAsync(['node', 'shikaku', 'loadtest', ...args]);
    return { out, error: undefined };
  } catch (error) {
    return { out, error };
  }
}

describe('shikaku loadtest', () => {
  it('runs a profile against a target, writes summary, raw data and report, and prints the outcome', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-loadtest-'));
    const fixturesFile = join(dir, 'fixtures.json');
    await writeFile(fixturesFile, JSON.stringify(fixtures));
    const { out, error } = await run([
      'smoke',
      '--target',
      fake.url,
      '--fixtures',
      fixturesFile,
      '--results',
      dir,
      '--duration-scale',
      '0.2',
      '--json',
    ]);
    expect(error).toBeUndefined();
    const outcome = JSON.parse(out) as {
      pass: boolean;
      results: string;
      nationalPeak: number;
      requests: number;
    };
    expect(outcome.pass).toBe(true);
    expect(outcome.nationalPeak).toBe(2000);
    expect(outcome.requests).toBeGreaterThan(10);
    const files = await readdir(outcome.results);
    expect(files.sort()).toEqual(['records.csv', 'report.html', 'summary.json']);
    const summary = JSON.parse(await readFile(join(outcome.results, 'summary.json'), 'utf8'));
    expect(summary.environment.seed).toBe(1);
    expect(summary.environment.targetStartedByRunner).toBe(false);
    expect(summary.resources.length).toBeGreaterThan(0);
    // The report can be rendered again from the summary alone (how k6 users get theirs).
    await writeFile(join(outcome.results, 'report.html'), '');
    const again = await run([
      'smoke',
      '--summary',
      join(outcome.results, 'summary.json'),
      '--json',
    ]);
    expect(again.error).toBeUndefined();
    expect(await readFile(join(outcome.results, 'report.html'), 'utf8')).toContain(
      'Headroom and capacity model',
    );
  });

  it('prints the same headline figures as the report, word for word, verdict first', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-loadtest-'));
    const fixturesFile = join(dir, 'fixtures.json');
    await writeFile(fixturesFile, JSON.stringify(fixtures));
    const { out, error } = await run([
      'smoke',
      '--target',
      fake.url,
      '--fixtures',
      fixturesFile,
      '--results',
      dir,
      '--duration-scale',
      '0.2',
    ]);
    expect(error).toBeUndefined();
    const lines = out.split('\n');
    const report = lines.find((l) => l.startsWith('  report: '))!.slice('  report: '.length);
    const html = await readFile(report, 'utf8');
    const figures = lines
      .filter((l) => /^ {2}[a-zA-Z0-9 ,]+: /.test(l) && !l.startsWith('  report: '))
      .filter((l) => !/^ {2}(ok {2}|FAIL) /.test(l))
      .map((l) => {
        const at = l.indexOf(': ');
        return { label: l.slice(2, at), value: l.slice(at + 2) };
      });
    expect(figures.map((f) => f.label)).toEqual([
      'run',
      'SLO thresholds',
      'requests',
      'p99 latency, whole run',
      'plateau throughput',
      'sustained within SLOs',
      'instances for the national peak',
    ]);
    // A smoke run is far too small to state a capacity: it says so instead of a count (and, on a
    // busy machine, why else).
    expect(figures[0]!.value).toMatch(/^invalid, because .*too few requests were measured/);
    expect(figures[6]!.value).toMatch(/^not stated: invalid, because/);
    const escape = (v: string) =>
      v
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;');
    for (const f of figures) {
      expect(html).toContain(`<span>${escape(f.label)}</span><b>${escape(f.value)}</b>`);
    }
  });

  it('exits non-zero when thresholds fail', async () => {
    const fixtures = sampleFixtures();
    fake = await startFakeEligibility(fixtures);
    fake.failShare = 0.5;
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-loadtest-'));
    const fixturesFile = join(dir, 'fixtures.json');
    await writeFile(fixturesFile, JSON.stringify(fixtures));
    const { error } = await run([
      'smoke',
      '--target',
      fake.url,
      '--fixtures',
      fixturesFile,
      '--results',
      dir,
      '--duration-scale',
      '0.2',
      '--json',
    ]);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('THRESHOLDS_FAILED');
    expect((error as CliError).exitCode).toBe(1);
  });

  it('rejects an unknown profile, a bad scale and a target off this machine', async () => {
    const bad = await run(['no-such-profile', '--target', 'http://127.0.0.1:1']);
    expect((bad.error as CliError).code).toBe('INVALID_PROFILE');
    expect((bad.error as CliError).exitCode).toBe(2);
    expect(() => parseScaleOption('0')).toThrow(/scale/);
    expect(parseScaleOption('0.25')).toBe(0.25);
    const fixturesFile = join(await mkdtemp(join(tmpdir(), 'shikaku-loadtest-')), 'f.json');
    await writeFile(fixturesFile, JSON.stringify(sampleFixtures()));
    const remote = await run([
      'smoke',
      '--target',
      'http://192.0.2.1:80',
      '--fixtures',
      fixturesFile,
    ]);
    expect(String(remote.error)).toMatch(/loopback/);
  });
});

describe('shikaku loadtest --topology', () => {
  it('refuses a folder that holds no topology, before starting anything (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-no-topology-'));
    const { error } = await run(['smoke', '--topology', dir]);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('TOPOLOGY_NOT_FOUND');
    expect((error as CliError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`no topology at ${dir} (no topology.env)`);
  });

  it('refuses --topology together with --target', async () => {
    const { error } = await run(['smoke', '--topology', 'up', '--target', 'http://127.0.0.1:1']);
    expect((error as CliError).code).toBe('INVALID_OPTION');
    expect((error as CliError).exitCode).toBe(2);
  });

  it('refuses --cpu-prof with a target it did not start', async () => {
    const { error } = await run(['smoke', '--cpu-prof', '/tmp', '--target', 'http://127.0.0.1:1']);
    expect((error as CliError).code).toBe('INVALID_OPTION');
    expect((error as Error).message).toContain(
      '--cpu-prof profiles the stack the load test starts',
    );
  });

  it('refuses a topology.env without its instances (still starting)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-half-topology-'));
    await writeFile(join(dir, 'topology.env'), 'PRIMARY_PORT=56000\n');
    const { error } = await run(['smoke', '--topology', dir]);
    expect((error as CliError).code).toBe('INVALID_TOPOLOGY');
    expect((error as CliError).exitCode).toBe(2);
  });
});

const stackHasEligibility = STACK_COMPONENTS.some((c) => c.name === 'eligibility-api');

// CI's load test: the built `shikaku loadtest smoke` starts the stack (PostgreSQL when reachable),
// runs every route for a few seconds and must pass its thresholds, in under a minute.
describe.skipIf(!stackHasEligibility)('shikaku loadtest smoke against the stack', () => {
  it('passes its SLO thresholds end to end', async () => {
    const main = new URL('../../dist/main.js', import.meta.url).pathname;
    const results = await mkdtemp(join(tmpdir(), 'shikaku-smoke-'));
    let pid = 0;
    // The run's stack has a data dir of its own (named like its database, by the CLI's pid with
    // --port 0), removed with the stack: two load tests at once do not share one.
    const runDir = () =>
      fileURLToPath(
        new URL(`../../../../.shikaku/loadtest-stack/shikaku_loadtest_${pid}`, import.meta.url),
      );
    let sawRunDir = false;
    const watch = setInterval(() => {
      if (pid > 0 && existsSync(runDir())) sawRunDir = true;
    }, 100);
    const { code, stdout, stderr } = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>((done) => {
      pid = execFile(
        process.execPath,
        [
          main,
          'loadtest',
          'smoke',
          '--json',
          '--port',
          '0',
          '--members',
          '2000',
          // the members generated inside PostgreSQL, few enough for CI
          '--scale-members',
          '5000',
          '--results',
          results,
        ],
        { timeout: 280_000 },
        (error, stdout, stderr) =>
          done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ).pid!;
    });
    const outcome = JSON.parse(
      stdout
        .trim()
        .split('\n')
        .find((line) => line.includes('"pass"')) ?? '{}',
    ) as {
      pass?: boolean;
      thresholds?: unknown;
    };
    expect(outcome.pass, `${stderr}\n${JSON.stringify(outcome.thresholds)}`).toBe(true);
    expect(code).toBe(0);
    clearInterval(watch);
    expect(sawRunDir, runDir()).toBe(true);
    expect(existsSync(runDir()), runDir()).toBe(false);
  });
});
