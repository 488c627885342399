import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadFixtures } from './fixtures.js';
import { runProfile } from './node-runner.js';
import type { LoadProfile } from './profile.js';
import { renderReport } from './report.js';
import { createResourceSampler, currentLoadAverage, type TopologyProcesses } from './resources.js';
import {
  SUMMARY_FORMAT,
  type Environment,
  type IterationRecord,
  type LoadSummary,
  type TopologyDescription,
} from './summary.js';

/**
 * One load test, start to finish: run the profile with the chosen runner, then write
 * `<resultsDir>/<timestamp>-<profile>/` with the raw data, `summary.json` and `report.html`.
 */
export interface LoadTestOptions {
  profile: LoadProfile;
  fixtures: LoadFixtures;
  /** Where the fixtures are on disk (k6 reads them); written into the results folder when absent. */
  fixturesFile?: string;
  target: string;
  runner: 'node' | 'k6';
  durationScale: number;
  seed: number;
  confirmationDate: string;
  resultsDir: string;
  environment: Environment;
  targetPid?: number;
  dbConnections?: () => Promise<number | undefined>;
  /**
   * A topology: the eligibility-api instances to spread the requests over (round-robin, Node
   * runner), what to write about it in the report, and its processes to sample.
   */
  topology?: {
    description: TopologyDescription;
    processes: TopologyProcesses;
  };
  connections?: number;
  /** Timestamp for the results folder name (injected so tests are deterministic). */
  now: Date;
  /** Appended to the folder name (`--repeat` runs: run1, run2, …). */
  runLabel?: string;
  log?: (message: string) => void;
}

export interface LoadTestResult {
  summary: LoadSummary;
  dir: string;
}

export function resultsFolderName(now: Date, profile: string): string {
  return `${now
    .toISOString()
    .replaceAll(':', '')
    .replace(/\.\d+Z$/, 'Z')}-${profile}`;
}

function recordsCsv(records: IterationRecord[]): string {
  const rows = records.map((r) =>
    [
      r.route,
      r.scheduledS.toFixed(4),
      r.sentS?.toFixed(4) ?? '',
      r.doneS?.toFixed(4) ?? '',
      r.status ?? '',
      r.error ?? '',
      r.dropped ? 1 : 0,
      r.instance ?? '',
    ].join(','),
  );
  return `route,scheduled_s,sent_s,done_s,status,error,dropped,instance\n${rows.join('\n')}\n`;
}

/** Reads a summary file from either runner, checking it is the normalised format. */
export async function readSummary(file: string): Promise<LoadSummary> {
  const summary = JSON.parse(await readFile(file, 'utf8')) as LoadSummary;
  if (summary.format !== SUMMARY_FORMAT) {
    throw new Error(`${file}: not a shikaku load-test summary (format ${String(summary.format)})`);
  }
  return summary;
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const dir = join(
    options.resultsDir,
    `${resultsFolderName(options.now, options.profile.name)}${options.runLabel ? `-${options.runLabel}` : ''}`,
  );
  await mkdir(dir, { recursive: true });
  const fixturesFile = options.fixturesFile ?? join(dir, 'fixtures.json');
  if (!options.fixturesFile) await writeFile(fixturesFile, `${JSON.stringify(options.fixtures)}\n`);
  let summary: LoadSummary;
  if (options.runner === 'k6') {
    summary = await runK6(options, dir, fixturesFile);
  } else {
    const sampler = createResourceSampler({
      ...(options.targetPid ? { targetPid: options.targetPid } : {}),
      ...(options.dbConnections ? { dbConnections: options.dbConnections } : {}),
      ...(options.topology ? { topology: options.topology.processes } : {}),
    });
    try {
      const result = await runProfile({
        profile: options.profile,
        fixtures: options.fixtures,
        target: options.target,
        ...(options.topology
          ? {
              instances: options.topology.description.instances.map(({ name, url }) => ({
                name,
                url,
              })),
            }
          : {}),
        seed: options.seed,
        durationScale: options.durationScale,
        confirmationDate: options.confirmationDate,
        ...(options.connections ? { connections: options.connections } : {}),
        sampleResources: (t) => sampler.sample(t),
        ...(options.log ? { log: options.log } : {}),
      });
      summary = result.summary;
      await writeFile(join(dir, 'records.csv'), recordsCsv(result.records));
    } finally {
      sampler.stop();
    }
  }
  summary.environment = { ...options.environment, loadAverageAtEnd: currentLoadAverage() };
  if (options.topology) summary.topology = options.topology.description;
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(dir, 'report.html'), await renderReport(summary));
  return { summary, dir };
}

/**
 * Runs the k6 script on the same profile and fixtures; k6 writes the normalised summary. k6 gets
 * the profile as loaded (profile.json in the run's folder), with any `extends` already merged in.
 */
async function runK6(
  options: LoadTestOptions,
  dir: string,
  fixturesFile: string,
): Promise<LoadSummary> {
  const script = new URL('../k6/eligibility.ts', import.meta.url).pathname;
  const summaryFile = join(dir, 'summary.k6.json');
  const profileFile = join(dir, 'profile.json');
  await writeFile(profileFile, `${JSON.stringify(options.profile, null, 2)}\n`);
  const args = [
    'run',
    '--quiet',
    '-e',
    `PROFILE=${profileFile}`,
    '-e',
    `FIXTURES=${fixturesFile}`,
    '-e',
    `TARGET=${options.target}`,
    ...(options.topology
      ? ['-e', `TARGETS=${options.topology.description.instances.map((i) => i.url).join(' ')}`]
      : []),
    '-e',
    `DURATION_SCALE=${options.durationScale}`,
    '-e',
    `CONFIRMATION_DATE=${options.confirmationDate}`,
    '-e',
    `SUMMARY=${summaryFile}`,
    '--out',
    `json=${join(dir, 'k6-points.json')}`,
    script,
  ];
  const code = await new Promise<number>((done, fail) => {
    const child = spawn('k6', args, { stdio: 'inherit' });
    child.on('error', (error) =>
      fail(
        new Error(`k6 could not start (${error.message}); install k6 ≥ 0.57 or use --runner node`),
      ),
    );
    child.on('exit', (status) => done(status ?? 1));
  });
  // k6 exits 99 when thresholds fail; the summary is still written.
  if (code !== 0 && code !== 99) throw new Error(`k6 exited with ${code}`);
  return readSummary(summaryFile);
}
