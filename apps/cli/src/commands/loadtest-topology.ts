import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type DatabaseHandle } from '@shikaku/db/database';
import { tableInserts, walPosition } from '@shikaku/db/admin';
import { storedInsurerNumbers } from '@shikaku/db/intermediate/seed-load';
import { replicaLagMs } from '@shikaku/db/read-replica';
import { issueInsurerCredentials, seedMembers } from '@shikaku/insurer-api/seed';
import { seedResidents } from '@shikaku/jlis/seed';
import type { DatabaseCounters, TopologyProcesses } from '@shikaku/loadtests/resources';
import type { TopologyDescription } from '@shikaku/loadtests/summary';
import {
  postmasterPid,
  readTopology,
  TopologyError,
  type TopologyEnv,
} from '@shikaku/loadtests/topology';
import { generatePopulation } from '@shikaku/synth/population';
import { CliError } from '../output.js';
import type { Teardown } from './loadtest-interrupt.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TOPOLOGY_SCRIPT = `${REPO_ROOT}deploy/local/topology.sh`;

/**
 * `shikaku loadtest --topology <dir|up>`: the loopback topology of deploy/local/topology.sh
 * (PostgreSQL primary + streaming replica, eligibility-api ×3, insurer-api ×3, jlis, portal) as
 * the load test's target: read from a running one's topology.env, or started for the run and torn
 * down after. Seeds the synthetic members on the primary (the instances' outbox relay carries them
 * to the eligibility store), and gives the runner what it samples: every process's CPU, each
 * cluster's, the replica's lag, the access log's write rate.
 */
export interface LoadtestTopology {
  env: TopologyEnv;
  primary: DatabaseHandle;
  replica: DatabaseHandle | undefined;
  description: TopologyDescription;
  processes: TopologyProcesses;
  close(): Promise<void>;
}

interface ScriptRun {
  /** Its stdout, once it exited 0. */
  done: Promise<string>;
  /** SIGTERM, then its exit (the script's own trap takes down what `up` had started). */
  stop(): Promise<void>;
}

/**
 * deploy/local/topology.sh in a process group of its own: a Ctrl-C at the terminal reaches the
 * CLI alone, which stops the script, so the script is stopped once and by one hand.
 */
function startScript(args: string[], env: NodeJS.ProcessEnv): ScriptRun {
  const child = spawn(TOPOLOGY_SCRIPT, args, {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The script's progress and failures go where the user sees them.
  child.stderr.pipe(process.stderr, { end: false });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | NodeJS.Signals | null>((done) => {
    child.once('error', () => done(null));
    child.once('exit', (code, signal) => done(code ?? signal));
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 900_000);
  const done = exited.then((status) => {
    clearTimeout(timer);
    if (status !== 0)
      throw new CliError(
        'TOPOLOGY_FAILED',
        `deploy/local/topology.sh ${args[0]} failed (${status === null ? 'did not start' : `exit ${status}`})`,
      );
    return stdout;
  });
  done.catch(() => undefined);
  return {
    done,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Takes down a topology the run started: `down` when anything was started, else its empty folder. */
async function removeTopology(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  // A script stopped half-way took down what it had started and removed the folder itself.
  if (existsSync(join(dir, 'topology.env'))) await startScript(['down', dir], env).done;
  else await rm(dir, { recursive: true, force: true });
}

/**
 * Reads the topology at `dir`, or starts one (`up`) that close() tears down; a started one is
 * registered with `teardown` from its first step, so a Ctrl-C while it starts, while it is
 * seeded or while the load runs takes it down.
 */
export async function openTopology(
  where: string,
  asOf: string | undefined,
  inherited: NodeJS.ProcessEnv,
  log: (line: string) => void,
  teardown: Teardown,
): Promise<LoadtestTopology> {
  const started = where === 'up';
  // The run names the folder, so it knows what to take down before the script has answered.
  const dir = started ? await mkdtemp(join(tmpdir(), 'shikaku-topology.')) : where;
  let script: ScriptRun | undefined;
  // Handles opened before a failure are closed with it (an open pool keeps the process alive).
  const opened: DatabaseHandle[] = [];
  const closeHandles = () =>
    // A handle busy with a query (a seeding statement) is not waited for long: the topology goes
    // down all the same, and the query with it.
    Promise.race([
      Promise.allSettled(opened.map((handle) => handle.close())),
      new Promise((done) => setTimeout(done, 5000).unref()),
    ]);
  const close = started
    ? teardown.add(`the topology at ${dir}`, async () => {
        try {
          await closeHandles();
        } finally {
          await script?.stop();
          await removeTopology(dir, inherited);
        }
      })
    : async () => void (await closeHandles());
  try {
    if (started) {
      log(
        `starting the topology (deploy/local/topology.sh up) in ${dir}: minutes on a small machine`,
      );
      script = startScript(['up'], {
        ...inherited,
        TOPOLOGY_DIR: dir,
        ...(asOf ? { SHIKAKU_AS_OF: asOf } : {}),
      });
      await script.done;
    }
    const env = await readTopology(dir).catch((error: unknown) => {
      if (error instanceof TopologyError) throw new CliError(error.code, error.message, 2);
      throw error;
    });
    const primary = await openDatabase({ url: env.databaseUrl, poolSize: 2 });
    opened.push(primary);
    const replica = env.readUrl ? await openDatabase({ url: env.readUrl, poolSize: 1 }) : undefined;
    if (replica) opened.push(replica);
    const lag = replica ? await replicaLagMs(replica).catch(() => null) : null;
    const host = (url: string) => new URL(url).host;
    const description: TopologyDescription = {
      instances: env.eligibility,
      others: env.others,
      primary: host(env.databaseUrl),
      ...(env.readUrl ? { replica: host(env.readUrl) } : {}),
      ...(replica
        ? {
            replication:
              lag === null ? 'not streaming' : `streaming, replay lag ${Math.round(lag)} ms`,
          }
        : {}),
      cores: cpus().length,
      memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      dir,
      startedByRunner: started,
    };
    const primaryPostmaster = await postmasterPid(dir, 'primary');
    const replicaPostmaster = await postmasterPid(dir, 'replica');
    const counters = async (): Promise<DatabaseCounters> => ({
      ...(replica ? { replicaLagMs: await replicaLagMs(replica) } : {}),
      accessLogRows: await tableInserts(primary, 'eligibility', 'access_log'),
      walBytes: await walPosition(primary),
    });
    const processes: TopologyProcesses = {
      instancePids: env.eligibility.map((e) => e.pid),
      appPids: [...env.eligibility, ...env.others].flatMap((p) =>
        p.pid === undefined ? [] : [p.pid],
      ),
      ...(primaryPostmaster ? { primaryPostmaster } : {}),
      ...(replicaPostmaster ? { replicaPostmaster } : {}),
      counters,
    };
    log(
      `topology ${dir}: ${env.eligibility.length} eligibility-api instances (${env.eligibility.map((e) => e.url).join(' ')}), ${env.others.map((o) => o.name).join(', ')}; primary ${description.primary}${description.replica ? `, replica ${description.replica} (${description.replication})` : ''}`,
    );
    return {
      env,
      primary,
      replica,
      description,
      processes,
      // A topology the run started goes down even when a handle fails to close.
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Seeds the synthetic population on the topology's primary as the stack does (a no-op for what is
 * already there): J-LIS's residents and certificates, the insurers and their members, whose outbox
 * events reach the eligibility store through the instances' relay.
 */
export async function seedTopologyMembers(
  topology: LoadtestTopology,
  options: { seed: number; members: number; asOf: string },
  log: (line: string) => void,
): Promise<void> {
  const secret = topology.env.personRefSecret;
  if (!secret)
    throw new CliError(
      'TOPOLOGY_NOT_SEEDABLE',
      `${topology.env.dir}/topology.env has no PERSON_REF_SECRET (an older topology.sh): seed it yourself and give --fixtures`,
      2,
    );
  const population = () =>
    generatePopulation({ seed: options.seed, size: options.members, asOf: options.asOf });
  const at = new Date();
  // Insurers first (the members' outbox events carry the insurer's name); their keys are issued
  // once, so a topology in use keeps the keys it has.
  if ((await storedInsurerNumbers(topology.primary)).length === 0) {
    const insurers = new Set<string>();
    for (const person of population()) insurers.add(person.insurerNumber);
    await issueInsurerCredentials(topology.primary, insurers, at);
  }
  // J-LIS's residents and certificates first: card registrations check the certificate there.
  await seedResidents(topology.primary, population(), at);
  const seeded = await seedMembers(topology.primary, population(), { personRefSecret: secret, at });
  log(
    seeded.seeded
      ? `topology: ${seeded.members} members registered on the primary; the relay carries them to the eligibility store`
      : `topology: already holds ${seeded.members} members (not seeded again)`,
  );
}
