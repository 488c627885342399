// Ctrl-C during `shikaku loadtest`: the built CLI gets SIGINT at a phase, then nothing it started
// may be left: no process of the run, no listening port, no database, no topology folder.
//
// The plain stack runs in CI (seconds each). The topology (SIGINT while deploy/local/topology.sh
// starts it, and while the load runs against it) is opt-in like its kill -9 test:
// SHIKAKU_TOPOLOGY=1, minutes on a small machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseStats, databaseUrl } from '@shikaku/db/admin';
import { openDatabase } from '@shikaku/db/database';
import { describe, expect, it } from 'vitest';
import { CliError } from '../output.js';
import { STACK_COMPONENTS } from '../stack/components.js';
import { interruptTeardown } from './loadtest-interrupt.js';

const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;
const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';

describe('interruptTeardown', () => {
  it('on SIGINT closes what is open once, the last started first, and the work fails INTERRUPTED (130)', async () => {
    const said: string[] = [];
    const closed: string[] = [];
    const teardown = interruptTeardown((line) => said.push(line));
    try {
      let release = () => undefined as void;
      const closeStack = teardown.add('the stack', async () => {
        closed.push('stack');
        await new Promise<void>((done) => (release = done));
      });
      teardown.add('the database', async () => void closed.push('database'));
      const done = teardown.add('a finished thing', async () => void closed.push('finished'));
      await done();
      // The work's own close starts first; the signal's teardown waits for that one, not a second.
      const normalClose = closeStack();
      const work = teardown.guard(new Promise<never>(() => undefined));
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGINT', 'SIGINT');
      expect(teardown.stopping).toBe(true);
      release();
      await normalClose;
      const error = (await work.catch((e: unknown) => e)) as CliError;
      expect(error).toBeInstanceOf(CliError);
      expect(error.code).toBe('INTERRUPTED');
      expect(error.exitCode).toBe(130);
      expect(error.message).toBe('interrupted by SIGINT; tore down the database, the stack');
      expect(closed).toEqual(['finished', 'stack', 'database']);
      expect(said).toEqual([
        'SIGINT: stopping; tearing down the database, the stack',
        'SIGINT again: still tearing down, wait',
      ]);
    } finally {
      teardown.dispose();
    }
  });

  it('on SIGHUP (the terminal closed) tears down too, and fails with 129', async () => {
    const closed: string[] = [];
    const teardown = interruptTeardown(() => undefined);
    try {
      teardown.add('the stack', async () => void closed.push('stack'));
      const work = teardown.guard(new Promise<never>(() => undefined));
      process.emit('SIGHUP', 'SIGHUP');
      const error = (await work.catch((e: unknown) => e)) as CliError;
      expect(error.exitCode).toBe(129);
      expect(closed).toEqual(['stack']);
    } finally {
      teardown.dispose();
    }
  });

  it('without a signal, passes the work through and stops listening when disposed', async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const listeners = () => signals.map((signal) => process.listenerCount(signal));
    const before = listeners();
    const teardown = interruptTeardown(() => undefined);
    expect(listeners()).toEqual(before.map((n) => n + 1));
    await expect(teardown.guard(Promise.resolve(7))).resolves.toBe(7);
    await expect(teardown.guard(Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    teardown.dispose();
    expect(listeners()).toEqual(before);
  });
});

/** Every process whose parent is `pid`, and theirs (Linux /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // ended between the listing and the read
    }
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** A process's start time (clock ticks since boot): with its pid, what it is (pids get reused). */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie is gone, only waiting for its parent to reap it.
    return ['Z', 'X'].includes(fields[0]!) ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

interface Interrupted {
  code: number | null;
  stderr: string;
  /** Every process the run started (seen while it ran): pid → start time; its command line. */
  seen: Map<number, string>;
  commands: Map<number, string>;
  cli: number;
}

/**
 * Runs the built `shikaku loadtest <args>`, sends SIGINT once `ready(stderr)` holds (checked
 * every 200 ms, while the run's processes are collected), and waits for the CLI to exit.
 */
async function interruptAt(
  args: string[],
  ready: (stderr: string) => boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Interrupted> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'loadtest', ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const seen = new Map<number, string>();
  const commands = new Map<number, string>();
  let signalled = false;
  const watch = setInterval(() => {
    for (const pid of descendants(child.pid!)) {
      const started = startTime(pid);
      if (started === undefined || seen.get(pid) === started) continue;
      seen.set(pid, started);
      try {
        commands.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      } catch {
        // already gone
      }
    }
    if (!signalled && ready(stderr)) {
      signalled = true;
      child.kill('SIGINT');
    }
  }, 200);
  const code = await exited;
  clearInterval(watch);
  return { code, stderr, seen, commands, cli: child.pid! };
}

/** The run's processes still running a moment after it exited (none may be), with their commands. */
async function leftOver(run: Interrupted): Promise<string[]> {
  const running = () => [...run.seen].filter(([pid, started]) => startTime(pid) === started);
  // A process seen as it was being stopped may take a moment more to be gone.
  for (let i = 0; i < 25 && running().length > 0; i++)
    await new Promise((done) => setTimeout(done, 200));
  return running().map(([pid]) => `${pid} ${run.commands.get(pid) ?? '?'}`);
}

/** A smoke run with few members and none generated (the load is not what is tested), and `extra`. */
async function smokeArgs(...extra: string[]): Promise<string[]> {
  const results = await mkdtemp(join(tmpdir(), 'shikaku-interrupt-'));
  return ['smoke', ...extra, '--members', '300', '--scale-members', '0', '--results', results];
}

const stackHasEligibility = STACK_COMPONENTS.some((c) => c.name === 'eligibility-api');

describe.skipIf(!stackHasEligibility)('Ctrl-C during shikaku loadtest on the stack', () => {
  const smoke = () => smokeArgs('--port', '0');

  /** Whether database `name` is still on the server the CLI used (DATABASE_URL, else 127.0.0.1). */
  async function databaseLeft(name: string): Promise<boolean> {
    const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const handle = await openDatabase({ url: databaseUrl(admin, name), poolSize: 1 });
    try {
      await databaseStats(handle);
      return true;
    } catch (error) {
      // Only "no such database" counts as gone, not a server that does not answer.
      if (/does not exist/.test((error as Error).message)) return false;
      throw error;
    } finally {
      await handle.close();
    }
  }
  /** The run's database, when the stack ran on PostgreSQL (`stack on PostgreSQL, fresh database …`). */
  const databaseOf = (stderr: string) => /fresh database (\w+)/.exec(stderr)?.[1];

  it('while the stack starts: stops it, drops its database, exits 130 and says so', async () => {
    // The stack is migrating its database: started, not yet up.
    const run = await interruptAt(await smoke(), (stderr) => stderr.includes('migrate…'));
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('SIGINT: stopping; tearing down the stack process');
    expect(run.stderr).toContain('shikaku: INTERRUPTED: interrupted by SIGINT; tore down');
    expect(run.stderr).not.toContain('stack up');
    expect(run.seen.size).toBeGreaterThan(0);
    expect(await leftOver(run)).toEqual([]);
    const database = databaseOf(run.stderr);
    if (database) expect(await databaseLeft(database)).toBe(false);
  });

  it('while the load runs: the stack stops, its port is free, its database dropped, once', async () => {
    const run = await interruptAt(await smoke(), (stderr) => stderr.includes('running smoke'));
    expect(run.code, run.stderr).toBe(130);
    expect(run.seen.size).toBeGreaterThan(0);
    expect(await leftOver(run)).toEqual([]);
    const port = Number(
      /stack up: eligibility-api http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stderr)?.[1],
    );
    expect(port).toBeGreaterThan(0);
    expect(await portFree(port)).toBe(true);
    const database = databaseOf(run.stderr);
    if (database) expect(await databaseLeft(database)).toBe(false);
    expect(run.stderr.match(/tearing down/g)).toHaveLength(1);
  });
});

function topologySkip(): string | undefined {
  if (process.env.SHIKAKU_TOPOLOGY !== '1')
    return 'opt-in: set SHIKAKU_TOPOLOGY=1 (starts two PostgreSQL clusters and eight processes)';
  if (!existsSync(join(PGBIN, 'pg_basebackup'))) return `no PostgreSQL binaries in ${PGBIN}`;
  return undefined;
}

const topologyReason = topologySkip();

describe.skipIf(topologyReason !== undefined)(
  'Ctrl-C during shikaku loadtest --topology up',
  () => {
    /** The topology's folder, named on the first line of the run. */
    const folder = (stderr: string) => /topology.sh up\) in (\S+):/.exec(stderr)?.[1];
    /** `<dir> <cluster>` → its postmaster's pid and start time, kept: the folder goes. */
    const postmasters = new Map<string, { pid: number; started: string | undefined }>();
    const notePostmasters = (dir: string | undefined) => {
      for (const cluster of ['primary', 'replica']) {
        const file = `${dir}/pg/${cluster}/postmaster.pid`;
        if (!dir || postmasters.has(`${dir} ${cluster}`) || !existsSync(file)) continue;
        const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
        if (!(pid > 0)) continue; // written, not yet filled in
        postmasters.set(`${dir} ${cluster}`, { pid, started: startTime(pid) });
      }
    };
    const args = () => smokeArgs('--topology', 'up');
    // The topology's ports: TOPOLOGY_BASE_PORT + 0, 1 (PostgreSQL), 10, 20–22, 30–32, 40 (apps).
    const ports = [0, 1, 10, 20, 21, 22, 30, 31, 32, 40].map((k) => 56_000 + k);

    async function expectGone(run: Interrupted) {
      const dir = folder(run.stderr);
      expect(dir, run.stderr).toBeDefined();
      expect(run.code, run.stderr).toBe(130);
      expect(await leftOver(run)).toEqual([]);
      const clusters = [...postmasters].filter(([key]) => key.startsWith(`${dir} `));
      expect(clusters.length).toBeGreaterThan(0);
      expect(clusters.filter(([, p]) => startTime(p.pid) === p.started)).toEqual([]);
      expect(existsSync(dir!)).toBe(false);
      for (const port of ports) expect(await portFree(port), `port ${port}`).toBe(true);
    }

    it('while topology.sh starts it: the replica is being made, everything goes', async () => {
      const run = await interruptAt(await args(), (stderr) => {
        const dir = folder(stderr);
        notePostmasters(dir);
        // The primary is up, the apps are not: mid-start.
        return postmasters.has(`${dir} primary`);
      });
      await expectGone(run);
      expect(run.stderr).toContain('topology not up; tearing down');
    });

    it('while the load runs against it: instances, clusters and folder go', async () => {
      const run = await interruptAt(await args(), (stderr) => {
        notePostmasters(folder(stderr));
        return stderr.includes('running smoke');
      });
      await expectGone(run);
      expect(run.stderr.match(/SIGINT: stopping/g)).toHaveLength(1);
    });
  },
);
