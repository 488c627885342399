import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
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

function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(
      TOPOLOGY_SCRIPT,
      args,
      { env, maxBuffer: 1 << 20, timeout: 900_000 },
      (error, stdout) => {
        if (error)
          fail(
            new CliError(
              'TOPOLOGY_FAILED',
              `deploy/local/topology.sh ${args[0]} failed: ${error.message}`,
            ),
          );
        else done(stdout);
      },
    );
    // The script's progress and failures go where the user sees them.
    child.stderr?.pipe(process.stderr);
  });
}

/** Reads the topology at `dir`, or starts one (`up`) that close() tears down. */
export async function openTopology(
  where: string,
  asOf: string | undefined,
  inherited: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<LoadtestTopology> {
  let dir = where;
  const started = where === 'up';
  if (started) {
    log('starting the topology (deploy/local/topology.sh up): minutes on a small machine');
    const out = await runScript(['up'], {
      ...inherited,
      ...(asOf ? { SHIKAKU_AS_OF: asOf } : {}),
    });
    dir = out.trim().split('\n').at(-1) ?? '';
  }
  const down = async () => {
    if (started) await runScript(['down', dir], inherited).catch(() => undefined);
  };
  // Handles opened before a failure are closed with it (an open pool keeps the process alive).
  const opened: DatabaseHandle[] = [];
  try {
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
      close: async () => {
        try {
          await replica?.close();
          await primary.close();
        } finally {
          await down();
        }
      },
    };
  } catch (error) {
    await Promise.allSettled(opened.map((handle) => handle.close()));
    await down();
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
