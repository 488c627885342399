// Ready time of `shikaku stack` on a fresh data dir, then restarted on the same dir, beside a
// baseline measured in the same run: a process that only opens PGlite on an empty dir and
// migrates it (what every fresh stack paid before it seeded anything, and what making the migrated
// template costs once now). The first fresh stack runs with an empty cache folder (it makes the
// template), the second with the template there (every later fresh dir). Wall and CPU time of
// each child (CPU from /proc: the figure that holds on a shared machine), the stack's own phases,
// and the load average.
//   pnpm --filter @shikaku/cli build && pnpm --filter @shikaku/cli bench:stack [-- --members 100000 --runs 1]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCliEnvironment } from '../config.js';

interface Timing {
  name: string;
  ms: number;
  cpuMs: number;
}

interface Measured {
  /** Spawn to ready (the child printed its line), milliseconds. */
  wallMs: number;
  /** The child's CPU time (user + system) when it was ready, milliseconds. */
  cpuMs: number;
  /** The stack's own phases, when the child is a stack. */
  timings: Timing[];
  /** 1-minute load average when the child was spawned and when it was ready. */
  loadAtStart: number;
  loadAtReady: number;
}

const { values } = parseArgs({
  // `pnpm bench:stack -- --members …` passes the `--` on.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    members: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '1' },
    baseline: { type: 'string' },
  },
});

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const self = fileURLToPath(import.meta.url);

if (values.baseline !== undefined) {
  // The child of the baseline: open and migrate an empty dir, say so, exit.
  const { openDatabase } = await import('@shikaku/db/database');
  const { migrateToLatest } = await import('@shikaku/db/migrate');
  const handle = await openDatabase({ pgliteDir: values.baseline });
  await migrateToLatest(handle);
  process.stdout.write('{"ready":true}\n');
  await handle.close();
} else {
  await bench(Number(values.members), Number(values.runs));
}

async function bench(members: number, runs: number): Promise<void> {
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(', ');
  console.log(
    `shikaku stack --members ${members}: ready time, ${runs} run(s); load average ${load()}`,
  );
  const rows: Array<{ name: string; runs: Measured[] }> = [
    { name: 'baseline: open PGlite + migrate, empty dir', runs: [] },
    { name: 'stack, fresh data dir, no template yet', runs: [] },
    { name: 'stack, fresh data dir', runs: [] },
    { name: 'stack, restart on the same dir', runs: [] },
  ];
  for (let run = 0; run < runs; run++) {
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-bench-stack-'));
    // A cache folder of this run's own: the first stack finds no template.
    const env = { ...readCliEnvironment().inherited, SHIKAKU_CACHE_DIR: join(dir, 'cache') };
    try {
      rows[0]!.runs.push(await measure([self, '--baseline', join(dir, 'baseline')], env));
      const stack = (name: string) => [
        main,
        'stack',
        '--members',
        String(members),
        '--port',
        '0',
        '--json',
        '--data-dir',
        join(dir, name),
      ];
      rows[1]!.runs.push(await measure(stack('first'), env));
      rows[2]!.runs.push(await measure(stack('stack'), env));
      rows[3]!.runs.push(await measure(stack('stack'), env));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const base = rows[0]!.runs;
  console.log(
    `\n${'median of runs'.padEnd(46)} ${'wall'.padStart(8)} ${'CPU'.padStart(8)}  ×baseline (wall, CPU)  load avg (start → ready, last run)`,
  );
  for (const row of rows) {
    const wall = median(row.runs.map((r) => r.wallMs));
    const cpu = median(row.runs.map((r) => r.cpuMs));
    const ratio = `×${(wall / median(base.map((r) => r.wallMs))).toFixed(2)}, ×${(cpu / median(base.map((r) => r.cpuMs))).toFixed(2)}`;
    const last = row.runs.at(-1)!;
    const load = `${last.loadAtStart.toFixed(1)} → ${last.loadAtReady.toFixed(1)}`;
    console.log(
      `${row.name.padEnd(46)} ${s(wall).padStart(8)} ${s(cpu).padStart(8)}  ${ratio.padEnd(21)} ${load}`,
    );
  }
  for (const row of rows.slice(1)) {
    const last = row.runs.at(-1)!;
    console.log(`\n${row.name}, phases of the last run (wall, CPU of the process meanwhile):`);
    for (const t of last.timings)
      console.log(`  ${t.name.padEnd(48)} ${s(t.ms).padStart(8)} ${s(t.cpuMs).padStart(8)}`);
  }
  console.log(`\nload average at the end ${load()}`);
}

/** Spawns node with `args` and waits for its JSON line on stdout; then stops it. */
async function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const loadAtStart = loadavg()[0]!;
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let buffer = '';
  const ready = await new Promise<{ timings?: Timing[] }>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const line = buffer
        .split('\n')
        .find((l) => l.startsWith('{') && (l.includes('"apps"') || l.includes('"ready"')));
      if (line) resolve(JSON.parse(line) as { timings?: Timing[] });
    });
    void exited.then((code) =>
      reject(new Error(`${args.join(' ')} exited ${code} before it was ready`)),
    );
  });
  const wallMs = performance.now() - started;
  const cpuMs = childCpuMs(child.pid!);
  child.kill('SIGTERM');
  await exited;
  return { wallMs, cpuMs, timings: ready.timings ?? [], loadAtStart, loadAtReady: loadavg()[0]! };
}

/** user + system time of a live process from /proc (Linux), in milliseconds; NaN elsewhere. */
function childCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name; in
    // clock ticks, 100 a second on Linux.
    return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
  } catch {
    return Number.NaN;
  }
}
