import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse, headlineFigures } from './analysis.js';
import { arrivalTimes } from './node-runner.js';
import { loadProfile, planStages, type LoadProfile } from './profile.js';
import { renderReport } from './report.js';
import { createResourceSampler } from './resources.js';
import { readSummary } from './run-load-test.js';
import {
  summarise,
  type IterationRecord,
  type LoadSummary,
  type ResourceSample,
  type TopologyDescription,
} from './summary.js';
import { answeredRecord } from './testing/records.js';
import { analyseTopology } from './topology-analysis.js';
import { parseTopologyEnv, readTopology, TopologyError } from './topology.js';

/** topology.env as deploy/local/topology.sh writes it (pids in start order, URL lists). */
const TOPOLOGY_ENV = `PRIMARY_PORT=56000
REPLICA_PORT=56001
DATABASE_URL=postgres://postgres@127.0.0.1:56000/shikaku
DATABASE_READ_URL=postgres://postgres@127.0.0.1:56001/shikaku
SHIKAKU_SERVICE_KEY=svc-key
JLIS_CONTROL_KEY=jlis-key
PERSON_REF_SECRET=ref-secret
jlis_PID=101
JLIS_URL=http://127.0.0.1:56010
insurer_api_1_PID=111
insurer_api_2_PID=112
insurer_api_3_PID=113
INSURER_API_URLS=http://127.0.0.1:56020 http://127.0.0.1:56021 http://127.0.0.1:56022
eligibility_api_1_PID=121
eligibility_api_2_PID=122
eligibility_api_3_PID=123
ELIGIBILITY_API_URLS=http://127.0.0.1:56030 http://127.0.0.1:56031 http://127.0.0.1:56032
portal_PID=131
PORTAL_URL=http://127.0.0.1:56040
`;

describe('topology.env', () => {
  it('names each eligibility-api instance with its URL and pid, and every other process', () => {
    const t = parseTopologyEnv('/tmp/t', TOPOLOGY_ENV);
    expect(t.eligibility).toEqual([
      { name: 'eligibility-api-1', url: 'http://127.0.0.1:56030', pid: 121 },
      { name: 'eligibility-api-2', url: 'http://127.0.0.1:56031', pid: 122 },
      { name: 'eligibility-api-3', url: 'http://127.0.0.1:56032', pid: 123 },
    ]);
    expect(t.others.map((o) => `${o.name}:${o.pid}`)).toEqual([
      'jlis:101',
      'insurer-api-1:111',
      'insurer-api-2:112',
      'insurer-api-3:113',
      'portal:131',
    ]);
    expect(t).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:56000/shikaku',
      readUrl: 'postgres://postgres@127.0.0.1:56001/shikaku',
      serviceKey: 'svc-key',
      personRefSecret: 'ref-secret',
      primaryPort: 56000,
      replicaPort: 56001,
    });
  });

  it('refuses a folder without topology.env, and one still starting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-topology-'));
    try {
      const missing = await readTopology(dir).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(TopologyError);
      expect((missing as TopologyError).code).toBe('TOPOLOGY_NOT_FOUND');
      await writeFile(join(dir, 'topology.env'), 'PRIMARY_PORT=56000\n');
      const starting = await readTopology(dir).catch((e: unknown) => e);
      expect((starting as TopologyError).code).toBe('INVALID_TOPOLOGY');
      expect((starting as Error).message).toMatch(/ELIGIBILITY_API_URLS, DATABASE_URL/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the resource sampler on a topology', () => {
  it('samples each instance’s process and reads the database counters in the background', async () => {
    let rows = 0;
    const sampler = createResourceSampler({
      topology: {
        // This process stands for an instance (its /proc entries are there to read).
        instancePids: [process.pid, undefined],
        appPids: [process.pid],
        counters: async () => ({ replicaLagMs: 3, accessLogRows: (rows += 100), walBytes: rows }),
      },
    });
    try {
      // The /proc readings come from the reader's thread once a second: a rate needs two.
      let sample = await sampler.sample(0);
      for (let t = 1; t <= 50 && sample.instances?.[0]?.cpuPercent === undefined; t++) {
        await new Promise((done) => setTimeout(done, 100));
        sample = await sampler.sample(t);
      }
      expect(sample.instances).toHaveLength(2);
      expect(sample.instances![0]!.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(sample.instances![0]!.rssMb).toBeGreaterThan(0);
      expect(sample.instances![1]).toEqual({});
      expect(sample.targetCpuPercent).toBeGreaterThanOrEqual(0);
      expect(sample.replicaLagMs).toBe(3);
      expect(sample.accessLogRowsPerS).toBeGreaterThan(0);
    } finally {
      sampler.stop();
    }
  });
});

/**
 * A deterministic three-instance run of national-peak at 15% of the rate (300/s held): arrivals go
 * round-robin; instance 3 answers in 30 ms, the others in 10 ms; the machine is quiet (16 cores,
 * load 1); each instance uses 40/45/50% of a core, the primary 30%, the replica 20%, and the
 * access log takes 1.3 rows per request.
 */
async function threeInstanceRun(): Promise<LoadSummary> {
  const { profile: base } = await loadProfile('national-peak');
  const profile: LoadProfile = { ...base, rateScale: 0.15 };
  const plannedStages = planStages(profile, 1);
  const records: IterationRecord[] = [];
  let k = 0;
  for (const t of arrivalTimes(plannedStages)) {
    const instance = k++ % 3;
    const latency = instance === 2 ? 0.03 : 0.01;
    records.push(answeredRecord(t, latency, instance));
  }
  const instances = [0, 1, 2].map((i) => ({
    name: `eligibility-api-${i + 1}`,
    url: `http://127.0.0.1:${56030 + i}`,
  }));
  const summary = summarise({
    profile,
    durationScale: 1,
    target: instances[0]!.url,
    startedAt: '2026-12-03T00:00:00.000Z',
    plannedStages,
    records,
    durationS: 100,
    instances,
  });
  const offeredAt = (t: number) =>
    records.filter((r) => r.scheduledS >= t - 1 && r.scheduledS < t).length;
  summary.resources = Array.from({ length: 100 }, (_, t): ResourceSample => {
    const rate = offeredAt(t);
    return {
      t,
      runnerCpuPercent: 30,
      runnerRssMb: 200,
      runnerEventLoopDelayP99Ms: 5,
      targetCpuPercent: 160,
      machineCpuPercent: 30 + 160 + 50 + 5,
      postgresCpuPercent: 50,
      primaryCpuPercent: 30,
      replicaCpuPercent: 20,
      loadAverage1m: 1,
      cpuPressurePercent: 2,
      instances: [{ cpuPercent: 40 }, { cpuPercent: 45 }, { cpuPercent: 50, rssMb: 180 }],
      accessLogRowsPerS: Math.round(rate * 1.3),
      walBytesPerS: 400_000,
      replicaLagMs: t === 50 ? 12 : 0,
    };
  });
  const topology: TopologyDescription = {
    instances: instances.map((i, n) => ({ ...i, pid: 121 + n })),
    others: [{ name: 'insurer-api-1', pid: 111 }],
    primary: '127.0.0.1:56000',
    replica: '127.0.0.1:56001',
    replication: 'streaming, replay lag 0 ms',
    cores: 16,
    memoryGb: 64,
    dir: '/tmp/shikaku-topology.test',
    startedByRunner: true,
  };
  summary.topology = topology;
  summary.environment = {
    cpuModel: 'test',
    cpus: 16,
    memoryGb: 64,
    node: 'v20',
    platform: 'linux x64',
    gitCommit: 'test',
    seed: 1,
    database: 'PostgreSQL primary and streaming replica',
    targetStartedByRunner: true,
  };
  return summary;
}

describe('a three-instance run', () => {
  it('splits the requests per instance: counts add up to the run, latency is each one’s own', async () => {
    const summary = await threeInstanceRun();
    const instances = summary.instances!;
    expect(instances.map((i) => i.name)).toEqual([
      'eligibility-api-1',
      'eligibility-api-2',
      'eligibility-api-3',
    ]);
    expect(instances.reduce((s, i) => s + i.scheduled, 0)).toBe(summary.totals.scheduled);
    expect(instances.reduce((s, i) => s + i.ok, 0)).toBe(summary.totals.ok);
    // Round-robin: shares within one arrival of each other.
    const counts = instances.map((i) => i.scheduled);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(instances.map((i) => i.latencyMs.p99)).toEqual([10, 10, 30]);
    expect(instances[0]!.timeline.length).toBe(summary.timeline.length);
    // An instance's windows carry what the plateaus read, not the per-route latency again.
    expect(
      instances.every((i) => i.timeline.every((p) => Object.keys(p.routes).length === 0)),
    ).toBe(true);
    expect(Object.keys(summary.timeline[50]!.routes)).not.toHaveLength(0);
  });

  it('reads X per instance from the plateau the three carried together, and the instances for 2,000/s and each growth scenario', async () => {
    const summary = await threeInstanceRun();
    const a = analyse(summary);
    expect(a.validity.valid).toBe(true);
    expect(a.sustained).toMatchObject({ stage: 'hold peak', offeredRate: 300 });
    expect(a.basis).toMatchObject({
      rate: 300,
      instancesMeasured: 3,
      perInstanceRate: 100,
      source: 'sustained-within-slo',
      lowerBound: true,
    });
    // ⌈2,000 × g ÷ (100 × 0.7)⌉ for g = 1, 1.25, 1.5, 2
    expect(a.capacity.map((c) => c.instances)).toEqual([29, 36, 43, 58]);
    expect(a.formula).toContain('300.0/s carried by 3 instances together ÷ 3');
    const t = analyseTopology(summary, a)!;
    expect(t.stage).toBe('hold peak');
    expect(t.instances.map((i) => [i.name, i.plateau?.achieved.median, i.cpuPercent])).toEqual([
      ['eligibility-api-1', 100, 40],
      ['eligibility-api-2', 100, 45],
      ['eligibility-api-3', 100, 50],
    ]);
    expect(t.imbalance).toBe(1);
    // 30% of a core for 300/s = 1 core per 1,000/s; at 2,000/s and u = 0.7: 2.9 cores.
    expect(t.database).toMatchObject({
      primaryCoresPerKilo: 1,
      replicaCoresPerKilo: 0.667,
      accessLogRowsPerRequest: 1.3,
      replicaLagMaxMs: 12,
    });
    expect(t.capacity.map((c) => [c.instances, c.primaryCores, c.replicaCores])).toEqual([
      [29, 2.9, 1.9],
      [36, 3.6, 2.4],
      [43, 4.3, 2.9],
      [58, 5.7, 3.8],
    ]);
    expect(t.capacity[0]!.accessLogRowsPerS).toBe(2600);
    expect(t.bottleneck).toMatch(/^the primary needs about 2\.9 cores at the design peak/);
    const figure = headlineFigures(summary, a).find(
      (f) => f.label === 'instances for the national peak',
    )!;
    // Nothing saturated at 300/s: the instances could do more, so 29 is an upper bound.
    expect(figure.value).toBe(
      '≤ 29 for 2,000/s at u = 0.7, from 100/s per instance (sustained within SLOs; 300/s over 3 instances)',
    );
  });

  it('report: shows the topology, each instance and the database, and the scenarios', async () => {
    const html = await renderReport(await threeInstanceRun());
    const at = html.indexOf('<h2>Topology</h2>');
    expect(at).toBeGreaterThan(html.indexOf('Is this run valid?'));
    expect(html).toContain('3 eligibility-api instances behind the load generator’s round-robin');
    expect(html).toContain('a streaming replica (127.0.0.1:56001');
    for (const port of [56030, 56031, 56032])
      expect(html).toContain(`<td>http://127.0.0.1:${port}</td>`);
    expect(html).toContain('<td>primary cores per 1,000 requests/s</td><td>1</td>');
    expect(html).toContain('Instances and database for each scenario');
    expect(html).toContain('id="chart-instances"');
  });
});

/**
 * topology-national-peak: `loadtest national-peak --topology up --duration-scale 0.3` at commit
 * 6bd32cc on the shared 2-core machine (load average 22–24 from other work): 48,600 arrivals
 * round-robin over three instances, 1,125 ok, 77% dropped, the generator starved.
 */
describe('a recorded topology run on the shared 2-core machine', () => {
  it('is invalid: it gives per-instance figures but no instance count, and says why', async () => {
    const summary = await readSummary(
      new URL('./testing/recorded/topology-national-peak.summary.json', import.meta.url).pathname,
    );
    const a = analyse(summary);
    expect(a.validity.valid).toBe(false);
    expect(a.capacity.every((c) => c.instances === null)).toBe(true);
    const t = analyseTopology(summary, a)!;
    expect(t.instances).toHaveLength(3);
    expect(t.instances.reduce((s, i) => s + i.requests, 0)).toBe(summary.totals.scheduled);
    expect(t.capacity.every((c) => c.primaryCores === null && c.instances === null)).toBe(true);
    expect(t.bottleneck).toMatch(/^not stated: the run is not one to plan from/);
    const html = await renderReport(summary);
    expect(html).toContain('<h2>Topology</h2>');
    expect(html).toContain('These figures are from a run that gives no instance count');
    expect(html).toContain('No instance count: invalid, because');
  });
});

/**
 * topology-national-peak-quiet: the same command at commit a5c1099 with nothing else on the
 * 2-core machine (load average 1.5 before it started): over the measured seconds the run's own
 * processes (the generator, eight app processes, two PostgreSQL clusters) took 1.88 of the 2
 * cores, other work 0.08.
 */
describe('a recorded topology run on a quiet 2-core machine', () => {
  it("blames the run's own processes for the overcommitted machine, not other work", async () => {
    const quiet = analyse(
      await readSummary(
        new URL('./testing/recorded/topology-national-peak-quiet.summary.json', import.meta.url)
          .pathname,
      ),
    );
    expect(quiet.validity.valid).toBe(false);
    expect(quiet.validity.verdict).toContain(
      "the machine was overcommitted by the run itself: load average 5.0 on 2 cores; its own processes need more cores than there are (the generator took 0.33 cores, the topology's apps 0.93, PostgreSQL 0.62; other work only 0.08)",
    );
    expect(quiet.validity.verdict).not.toContain('other work (processes');
    const otherWork = quiet.validity.checks.find((c) => c.name === 'other work on the machine')!;
    expect(otherWork.status).toBe('pass');
  });

  it('blames other work on the busy shared machine, and not the run', async () => {
    const busy = analyse(
      await readSummary(
        new URL('./testing/recorded/topology-national-peak.summary.json', import.meta.url).pathname,
      ),
    );
    expect(busy.validity.verdict).toMatch(/other work \(processes that are not the run's\) took/);
    expect(busy.validity.verdict).not.toContain('by the run itself');
    expect(busy.validity.verdict).toContain('the machine was overcommitted: load average');
  });
});
