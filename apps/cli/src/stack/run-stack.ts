import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { jstDate } from '@shikaku/core/clock';
import { choosePolicy, policyEraNames } from '@shikaku/core/policy-eras';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { preparePgliteDir } from '@shikaku/db/pglite-template';
import type { Logger } from '@shikaku/platform/logger';
import { stackClock } from '@shikaku/platform/system-clock';
import type { ControllableClock } from '@shikaku/core/clock';
import { generatePopulation, type SyntheticPerson } from '@shikaku/synth/population';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './data-dir-lock.js';
import type { SeedHandOff, StackComponent, StackContext, StartedComponent } from './component.js';
import { makeStackSecrets, type StackSecrets } from './secrets.js';

export interface StackOptions {
  host: string;
  basePort: number;
  asOf: string | undefined;
  /** Pins the mis-entry rules to a named era (core's POLICY_ERAS); by default the date picks. */
  policy?: string | undefined;
  seed: number;
  members: number;
  dataDir: string;
  /** Keep the embedded database in memory instead of dataDir. */
  memory: boolean;
  /**
   * Where migrated PGlite templates are kept (a cache folder): a fresh data dir is then a copy of
   * one instead of running initdb and the migrations. Without it a fresh dir runs them itself.
   */
  pgliteTemplates?: string | undefined;
  databaseUrl: string | undefined;
  only: string[] | undefined;
  logger: Logger;
  /** The apps' x-service-key (SHIKAKU_SERVICE_KEY); a random one when absent. */
  serviceKey?: string | undefined;
  /** Told before each app starts (seeding a fresh database takes a while): progress for people. */
  onStarting?: (component: StackComponent) => void;
  /** Told before each timed step of an app's start (seeding members…) and of the stack's own. */
  onPhase?: (name: string) => void;
  /** Told what a person should know that is no failure (a dead stack's lock taken over). */
  onNotice?: (line: string) => void;
  /**
   * Bulk-load a fresh stack's seed (the default); false relays every seeded member from insurer-api
   * to eligibility-api over HTTP, page by page, as live registrations go (the equivalence test).
   */
  bulkSeed?: boolean;
}

/** How long one step of the start took (an app's start, or one of its phases: `app: phase`). */
export interface StackTiming {
  name: string;
  /** Wall-clock milliseconds. */
  ms: number;
  /**
   * CPU milliseconds of the whole process meanwhile (user + system): the figure that holds when the
   * machine is shared (the apps and PGlite run on this one thread; a worker's would count too).
   */
  cpuMs: number;
}

export interface RunningStack {
  database: string;
  /** The stack's database, for tests that inspect what each app stored (apps never share it). */
  readonly handle: DatabaseHandle;
  /** What the apps run with: the service key is printed, tests call internal endpoints with it. */
  readonly secrets: StackSecrets;
  /** The stack's one clock (the clock control moves it; tests may too). */
  readonly clock: ControllableClock;
  /** The rules in force when the stack started, and whether the date or --policy chose them. */
  readonly policy: StackPolicy;
  components: Array<{ name: string; title: string } & StartedComponent>;
  /** Milliseconds from the call of startStack to every app listening. */
  readyMs: number;
  /** The steps of the start in order, apps and their phases (a phase is named `app: step`). */
  timings: StackTiming[];
  /** Resolves once the work apps started in the background (card linking) is done. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface StackPolicy {
  name: string;
  from: string;
  title: string;
  source: 'date' | 'pinned';
}

/**
 * Takes the data dir (refused while another stack holds it), opens the database, migrates it, and
 * starts the components in order.
 */
export async function startStack(
  components: readonly StackComponent[],
  options: StackOptions,
): Promise<RunningStack> {
  const total = startMeasure();
  // One clock for every app, so they agree on "now" and move together.
  const clock = stackClock(options.asOf);
  const startDate = jstDate(clock.now());
  const choice = choosePolicy(startDate, options.policy);
  if (!choice) {
    throw new Error(
      `unknown policy ${JSON.stringify(options.policy)}; one of ${policyEraNames().join(', ')}`,
    );
  }
  const policy: StackPolicy = {
    name: choice.era.name,
    from: choice.era.from,
    title: choice.era.title,
    source: choice.source,
  };
  await mkdir(options.dataDir, { recursive: true });
  // Before anything is written there: two stacks would overwrite each other's kept files.
  const lock = await lockDataDir(options.dataDir, {
    // A notice (stderr), not a log line: the stack's log goes to stdout, whose first line a
    // `--json` caller (the load test) reads as the stack's description.
    onTakeOver: (stale) => {
      options.onNotice?.(
        `took over ${DATA_DIR_LOCK_FILE} of pid ${stale.pid} (started ${stale.startedAt}), which is no longer running`,
      );
    },
  });
  try {
    const stack = await startOnDataDir(components, options, { total, clock, startDate, policy });
    const close = async () => {
      try {
        await stack.close();
      } finally {
        await lock.release();
      }
    };
    return { ...stack, close };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** startStack's work once the data dir is this stack's. */
async function startOnDataDir(
  components: readonly StackComponent[],
  options: StackOptions,
  start: {
    total: () => { ms: number };
    clock: ControllableClock;
    startDate: string;
    policy: StackPolicy;
  },
): Promise<RunningStack> {
  const { total, clock, startDate, policy } = start;
  const timings: StackTiming[] = [];
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    options.onPhase?.(name);
    const measure = startMeasure();
    const result = await step();
    timings.push({ name, ...measure() });
    return result;
  };
  const persistent = Boolean(options.databaseUrl) || !options.memory;
  const secrets = await makeStackSecrets({
    dataDir: options.dataDir,
    persistent,
    serviceKey: options.serviceKey,
  });
  const pgliteDir =
    options.databaseUrl || options.memory ? undefined : join(options.dataDir, 'pglite');
  const templates = options.pgliteTemplates;
  if (pgliteDir && templates) {
    // A fresh dir becomes a copy of the migrated template (made on first use); a restart's is kept.
    options.onPhase?.('prepare data dir');
    const measure = startMeasure();
    const prepared = await preparePgliteDir(pgliteDir, templates);
    timings.push({ name: `prepare data dir (${prepared})`, ...measure() });
  }
  const handle = await timed('open database', () =>
    openDatabase(options.databaseUrl ? { url: options.databaseUrl } : { pgliteDir }),
  );
  await timed('migrate', () => migrateToLatest(handle));
  const population = sharedPopulation(
    () =>
      generatePopulation({
        seed: options.seed,
        size: options.members,
        asOf: options.asOf ?? startDate,
      }),
    (measured) => timings.push({ name: 'generate population', ...measured }),
  );
  const seedHandOff: SeedHandOff = {};
  const started: RunningStack['components'] = [];
  const urls: Record<string, string> = {};
  const close = async () => {
    for (const component of [...started].reverse()) await component.close();
    await handle.close();
  };
  try {
    for (const component of components) {
      if (options.only && !options.only.includes(component.name)) continue;
      const context: StackContext = {
        handle,
        clock,
        asOf: options.asOf,
        policy: options.policy,
        seed: options.seed,
        members: options.members,
        population,
        bulkSeed: options.bulkSeed ?? true,
        seedHandOff,
        phase: (name, step) => timed(`${component.name}: ${name}`, step),
        host: options.host,
        dataDir: options.dataDir,
        persistent,
        logger: options.logger.child({ app: component.name }),
        secrets,
        urls: { ...urls },
      };
      // --port 0 gives every app a free port (tests, several stacks side by side).
      const port = options.basePort === 0 ? 0 : options.basePort + component.portOffset;
      options.onStarting?.(component);
      const measure = startMeasure();
      const result = await component.start(context, port);
      timings.push({ name: component.name, ...measure() });
      urls[component.name] = result.url;
      started.push({ name: component.name, title: component.title, ...result });
    }
  } catch (error) {
    await close();
    throw error;
  }
  // Only the apps' starts seed from it: a large stack need not hold it for its whole life.
  population.release();
  return {
    readyMs: total().ms,
    timings,
    settled: async () => {
      await Promise.all(started.map((c) => c.settled));
    },
    database: handle.description,
    handle,
    secrets,
    policy,
    clock,
    components: started,
    close,
  };
}

/**
 * The population every seeding app iterates, generated on the first iteration (timed through
 * `onGenerated`) and kept for the next until `release` (an iteration after it generates it again);
 * never generated when no app iterates it (a restart).
 */
function sharedPopulation(
  generate: () => Iterable<SyntheticPerson>,
  onGenerated: (measured: { ms: number; cpuMs: number }) => void,
): Iterable<SyntheticPerson> & { release(): void } {
  let persons: SyntheticPerson[] | undefined;
  return {
    release: () => {
      persons = undefined;
    },
    [Symbol.iterator]: () => {
      if (!persons) {
        const measure = startMeasure();
        persons = [...generate()];
        onGenerated(measure());
      }
      return persons[Symbol.iterator]();
    },
  };
}

/** Starts a wall and CPU stopwatch; calling the result reads both in milliseconds. */
function startMeasure(): () => { ms: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}
