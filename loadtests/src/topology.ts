import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A running topology, as `deploy/local/topology.sh up` describes it in `<dir>/topology.env`:
 * URLs and pids of every instance, the primary's and the replica's ports and URLs, the secrets.
 */
export interface TopologyEnv {
  dir: string;
  eligibility: Array<{ name: string; url: string; pid?: number }>;
  /** insurer-api ×N, jlis, portal. */
  others: Array<{ name: string; pid?: number }>;
  databaseUrl: string;
  readUrl?: string;
  serviceKey: string;
  personRefSecret?: string;
  primaryPort?: number;
  replicaPort?: number;
}

export class TopologyError extends Error {
  constructor(
    readonly code: 'TOPOLOGY_NOT_FOUND' | 'INVALID_TOPOLOGY',
    message: string,
  ) {
    super(message);
  }
}

/** KEY=value lines (values may hold spaces: the URL lists). */
export function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) env[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return env;
}

export function parseTopologyEnv(dir: string, text: string): TopologyEnv {
  const env = parseEnvLines(text);
  const pid = (name: string) => {
    const value = env[`${name.replaceAll('-', '_')}_PID`];
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const urls = (env.ELIGIBILITY_API_URLS ?? '').split(/\s+/).filter(Boolean);
  const missing = [
    ...(urls.length === 0 ? ['ELIGIBILITY_API_URLS'] : []),
    ...(env.DATABASE_URL ? [] : ['DATABASE_URL']),
    ...(env.SHIKAKU_SERVICE_KEY ? [] : ['SHIKAKU_SERVICE_KEY']),
  ];
  if (missing.length > 0)
    throw new TopologyError(
      'INVALID_TOPOLOGY',
      `${join(dir, 'topology.env')} lacks ${missing.join(', ')} (a topology still starting, or not one of deploy/local/topology.sh)`,
    );
  const eligibility = urls.map((url, i) => {
    const name = `eligibility-api-${i + 1}`;
    const p = pid(name);
    return { name, url, ...(p === undefined ? {} : { pid: p }) };
  });
  // Every other process topology.sh started (insurer_api_1_PID → insurer-api-1, JLIS… → jlis).
  const others = Object.entries(env)
    .filter(([key, value]) => key.endsWith('_PID') && /^\d+$/.test(value))
    .map(([key, value]) => ({ name: key.slice(0, -4).replaceAll('_', '-'), pid: Number(value) }))
    .filter((p) => !eligibility.some((e) => e.name === p.name));
  const port = (key: string) => (env[key] ? Number(env[key]) : undefined);
  const primaryPort = port('PRIMARY_PORT');
  const replicaPort = port('REPLICA_PORT');
  return {
    dir,
    eligibility,
    others,
    databaseUrl: env.DATABASE_URL!,
    ...(env.DATABASE_READ_URL ? { readUrl: env.DATABASE_READ_URL } : {}),
    serviceKey: env.SHIKAKU_SERVICE_KEY!,
    ...(env.PERSON_REF_SECRET ? { personRefSecret: env.PERSON_REF_SECRET } : {}),
    ...(primaryPort ? { primaryPort } : {}),
    ...(replicaPort ? { replicaPort } : {}),
  };
}

/** Reads `<dir>/topology.env`; a folder without one is not a topology. */
export async function readTopology(dir: string): Promise<TopologyEnv> {
  let text: string;
  try {
    text = await readFile(join(dir, 'topology.env'), 'utf8');
  } catch {
    throw new TopologyError(
      'TOPOLOGY_NOT_FOUND',
      `no topology at ${dir} (no topology.env): start one with deploy/local/topology.sh up, or give --topology up`,
    );
  }
  return parseTopologyEnv(dir, text);
}

/** The postmaster's pid of a cluster under the topology (`pg/<name>/postmaster.pid`'s first line). */
export async function postmasterPid(
  dir: string,
  cluster: 'primary' | 'replica',
): Promise<number | undefined> {
  try {
    const first = (await readFile(join(dir, 'pg', cluster, 'postmaster.pid'), 'utf8')).split(
      '\n',
    )[0];
    return first && /^\d+$/.test(first.trim()) ? Number(first.trim()) : undefined;
  } catch {
    return undefined;
  }
}
