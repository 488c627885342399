import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { seededRandom } from '@shikaku/core/seeded-random';
import {
  EligibilityClient,
  type HttpRequest,
  type HttpResult,
  type Send,
} from './eligibility-client.js';
import type { LoadFixtures } from './fixtures.js';
import { assertNoMyNumber } from './fixtures.js';
import {
  deriveRequestMix,
  planStages,
  ROUTES,
  type LoadProfile,
  type PlannedStage,
  type Route,
} from './profile.js';
import {
  latencyStats,
  summarise,
  type IterationRecord,
  type LoadSummary,
  type ResourceSample,
} from './summary.js';

/**
 * The open-model Node runner: arrivals are scheduled at fixed times from the profile's stages
 * whatever the responses do (like k6's arrival-rate executors), and latency is measured from the
 * *scheduled* time, so a slow server's queueing shows in the figures (no coordinated omission).
 * An arrival that finds `maxInFlight` requests outstanding is dropped and counted, as k6 does.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Load-test traffic goes only to this machine. */
export function assertLoopback(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`target is not a URL: ${target}`);
  }
  if (!LOOPBACK.has(url.hostname)) {
    throw new Error(`load tests send traffic only to loopback (127.0.0.1), not ${url.hostname}`);
  }
  return url;
}

/**
 * Arrival times (seconds from the start) for ramping stages: within a stage the rate goes
 * linearly from `fromRate` to `toRate`, so the cumulative count is N(t) = r0·t + (r1−r0)·t²/2D and
 * the k-th arrival is at the root of N(t) = k.
 */
export function* arrivalTimes(stages: readonly PlannedStage[]): Generator<number> {
  let cumulative = 0;
  for (const stage of stages) {
    const { fromRate: r0, toRate: r1, durationS: d } = stage;
    const inStage = ((r0 + r1) / 2) * d;
    const a = (r1 - r0) / (2 * d);
    for (let k = Math.ceil(cumulative - 1e-9); k < cumulative + inStage - 1e-9; k++) {
      const x = k - cumulative;
      const t =
        Math.abs(a) < 1e-12
          ? x / r0
          : (-r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * a * x))) / (2 * a);
      yield stage.startS + Math.min(d, Math.max(0, t));
    }
    cumulative += inStage;
  }
}

export function undiciSend(
  target: string,
  options: { connections: number; timeoutMs: number },
): { send: Send; close(): Promise<void> } {
  const origin = assertLoopback(target).origin;
  const pool = new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const send: Send = async (request: HttpRequest): Promise<HttpResult> => {
    const response = await pool.request({
      origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { status: response.statusCode, body: await response.body.text() };
  };
  return { send, close: () => pool.close() };
}

/** A stable name for a transport failure. */
export function transportErrorType(error: unknown): string {
  const e = error as { name?: string; code?: string };
  if (
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return 'timeout';
  }
  return e?.code ?? e?.name ?? 'transport_error';
}

export interface RunOptions {
  profile: LoadProfile;
  fixtures: LoadFixtures;
  /** The base URL; with `instances`, the first instance's (the report's "target"). */
  target: string;
  /**
   * Several instances of eligibility-api (a topology): arrivals go to them in turn (round-robin,
   * what a load balancer without affinity does), each record carries its instance, and the summary
   * has each instance's figures. The HTTP connections are split between them.
   */
  instances?: ReadonlyArray<{ name: string; url: string }>;
  seed: number;
  /** Multiplies every stage's duration (e.g. 0.2 for a bounded rehearsal). */
  durationScale?: number;
  /** YYYY-MM-DD of the confirmations when the fixtures name none. */
  confirmationDate: string;
  connections?: number;
  /** Injected transport (tests; with `instances`, the instance index too); by default undici pools. */
  send?: (request: HttpRequest, instance: number) => Promise<HttpResult>;
  /** Called once a second with the run's elapsed seconds; returns what it measured. */
  sampleResources?: (tS: number) => Promise<ResourceSample> | ResourceSample;
  /** Records every request sent (tests assert no My Number is ever in one). */
  onRequest?: (request: HttpRequest) => void;
  log?: (message: string) => void;
}

export interface RunResult {
  summary: LoadSummary;
  records: IterationRecord[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs a profile against a target and returns the normalised summary with the raw records. */
export async function runProfile(options: RunOptions): Promise<RunResult> {
  const { profile, fixtures } = options;
  assertLoopback(options.target);
  assertNoMyNumber(fixtures, 'fixtures');
  const durationScale = options.durationScale ?? 1;
  const plannedStages = planStages(profile, durationScale);
  const targets = options.instances?.map((i) => i.url) ?? [options.target];
  for (const url of targets) assertLoopback(url);
  const connections = options.connections ?? 128;
  const pools = options.send
    ? []
    : targets.map((url) =>
        undiciSend(url, {
          connections: Math.max(1, Math.ceil(connections / targets.length)),
          timeoutMs: profile.requestTimeoutMs,
        }),
      );
  const sendTo = (request: HttpRequest, instance: number) => {
    options.onRequest?.(request);
    return options.send ? options.send(request, instance) : pools[instance]!.send(request);
  };
  // Set-up calls (log-ins, card registrations) go round the instances too: a token or a consent
  // made on one instance must hold on the others.
  let turn = 0;
  const nextInstance = () => turn++ % targets.length;
  const send: Send = (request) => sendTo(request, nextInstance());
  const log = options.log ?? (() => {});
  try {
    const client = new EligibilityClient(send, fixtures, {
      seed: options.seed,
      bulkItemsPerRequest: profile.workload.bulkItemsPerRequest,
      confirmationDate: options.confirmationDate,
    });
    const prepared = await client.prepare();
    log(
      `prepared: ${prepared.loggedIn} institutions logged in, ${prepared.cardsRegistered} cards registered, ${prepared.consents} consents`,
    );
    const notes = [
      `${prepared.loggedIn} institutions logged in before the run; ${prepared.cardsRegistered}/${fixtures.cards.length} cards registered; ${prepared.consents} consents for views`,
    ];

    const mix = deriveRequestMix(profile.workload);
    const pickRoute = routePicker(mix, seededRandom(options.seed + 1));
    const first = plannedStages[0]!;
    if (profile.warmupS > 0) {
      const warmRate = Math.max(1, first.fromRate);
      log(`warm-up: ${profile.warmupS * durationScale}s at ${warmRate.toFixed(1)}/s`);
      await drive({
        stages: [
          {
            name: 'warm-up',
            startS: 0,
            durationS: profile.warmupS * durationScale,
            fromRate: warmRate,
            toRate: warmRate,
          },
        ],
        client,
        pickRoute,
        profile,
        send: sendTo,
        nextInstance,
      });
    }
    const startedAt = new Date().toISOString();
    log(
      `run: ${plannedStages.map((s) => `${s.name} ${s.durationS}s → ${s.toRate.toFixed(1)}/s`).join(', ')}`,
    );
    const resources: ResourceSample[] = [];
    const run = await drive({
      stages: plannedStages,
      client,
      pickRoute,
      profile,
      send: sendTo,
      nextInstance,
      ...(options.instances ? { tagInstances: true } : {}),
      onSecond: async (tS, records) => {
        if (options.sampleResources) resources.push(await options.sampleResources(tS));
        return profile.stopOnThresholdBreak ? thresholdBreak(profile, records, tS) : undefined;
      },
    });
    const summary = summarise({
      profile,
      durationScale,
      target: options.target,
      startedAt,
      plannedStages,
      records: run.records,
      durationS: run.durationS,
      ...(run.stoppedEarly ? { stoppedEarly: run.stoppedEarly } : {}),
      ...(options.instances ? { instances: options.instances } : {}),
      notes,
    });
    summary.resources = resources;
    return { summary, records: run.records };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

function routePicker(mix: Record<Route, number>, random: () => number): () => Route {
  const cumulative: Array<[number, Route]> = [];
  let sum = 0;
  for (const route of ROUTES) {
    sum += mix[route];
    cumulative.push([sum, route]);
  }
  return () => {
    const x = random() * sum;
    return (cumulative.find(([upTo]) => x < upTo) ?? cumulative[cumulative.length - 1]!)[1];
  };
}

/** Breakpoint runs: the last complete 5-second window breaks a threshold → stop. */
function firstAtOrAfter(records: IterationRecord[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.scheduledS < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function thresholdBreak(
  profile: LoadProfile,
  records: IterationRecord[],
  tS: number,
): string | undefined {
  if (tS < 10) return undefined;
  const from = tS - 10;
  const to = tS - 5;
  // Records are pushed in scheduled order: slice the window instead of scanning the whole run.
  const window = records.slice(firstAtOrAfter(records, from), firstAtOrAfter(records, to));
  if (window.length < 20) return undefined;
  const done = window.filter((r) => !r.dropped && r.doneS !== undefined);
  const p99 = latencyStats(done.map((r) => (r.doneS! - r.scheduledS) * 1000)).p99;
  const errorRate = done.length ? done.filter((r) => r.error !== null).length / done.length : 0;
  const droppedRate = window.filter((r) => r.dropped).length / window.length;
  const t = profile.thresholds;
  if (p99 > t.p99LatencyMs || errorRate > t.errorRate || droppedRate > t.droppedRate) {
    return `thresholds broke in the window ${from}–${to}s (p99 ${p99} ms, errors ${(errorRate * 100).toFixed(2)}%, dropped ${(droppedRate * 100).toFixed(2)}%)`;
  }
  return undefined;
}

async function drive(input: {
  stages: PlannedStage[];
  client: EligibilityClient;
  pickRoute: () => Route;
  profile: LoadProfile;
  send: (request: HttpRequest, instance: number) => Promise<HttpResult>;
  nextInstance: () => number;
  /** Record each arrival's instance (several targets). */
  tagInstances?: boolean;
  onSecond?: (tS: number, records: IterationRecord[]) => Promise<string | undefined>;
}): Promise<{ records: IterationRecord[]; durationS: number; stoppedEarly?: string }> {
  const { profile } = input;
  const last = input.stages[input.stages.length - 1]!;
  const plannedS = last.startS + last.durationS;
  // Bounded in time: the schedule's length plus one request timeout, whatever happens.
  const hardLimitS = plannedS + profile.requestTimeoutMs / 1000 + 5;
  const records: IterationRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  let stoppedEarly: string | undefined;
  let nextSecond = 1;

  const launch = (scheduledS: number) => {
    const iteration = input.client.next(input.pickRoute());
    // Every arrival takes its turn, dropped or not, so each instance is offered its share.
    const instance = input.nextInstance();
    const record: IterationRecord = { route: iteration.route, scheduledS, dropped: false };
    if (input.tagInstances) record.instance = instance;
    records.push(record);
    if (inFlight.size >= profile.maxInFlight) {
      record.dropped = true;
      return;
    }
    record.sentS = elapsed();
    const pending = input
      .send(iteration.request, instance)
      .then(
        (result) => {
          record.status = result.status;
          record.error = iteration.classify(result);
        },
        (error: unknown) => {
          record.error = transportErrorType(error);
        },
      )
      .finally(() => {
        record.doneS = elapsed();
        inFlight.delete(pending);
      });
    inFlight.add(pending);
  };

  const arrivals = arrivalTimes(input.stages);
  let next = arrivals.next();
  while (!next.done) {
    const now = elapsed();
    while (!next.done && next.value <= now) {
      launch(next.value);
      next = arrivals.next();
    }
    if (now >= nextSecond && input.onSecond) {
      nextSecond = Math.floor(now) + 1;
      stoppedEarly = await input.onSecond(Math.floor(now), records);
      if (stoppedEarly) break;
    }
    if (now > hardLimitS) break;
    if (!next.done) await sleep(Math.max(0, Math.min(2, (next.value - elapsed()) * 1000)));
  }
  const durationS = stoppedEarly ? elapsed() : plannedS;
  // Outstanding requests end by their own timeout; wait for them, but never past the hard limit.
  const waitUntil = performance.now() + Math.max(0, hardLimitS - elapsed()) * 1000;
  while (inFlight.size > 0 && performance.now() < waitUntil) {
    await Promise.race([Promise.allSettled([...inFlight]), sleep(100)]);
  }
  for (const r of records) {
    if (!r.dropped && r.doneS === undefined) {
      r.error = 'unfinished';
      r.doneS = elapsed();
    }
  }
  return { records, durationS, ...(stoppedEarly ? { stoppedEarly } : {}) };
}
