import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * A load profile: one plain JSON file read by both runners (k6 and the Node runner). Every
 * assumption behind the national peak is a named field so a planner can change it and see the
 * derivation in the report.
 */

/** DESIGN.md's national figures; `deriveNationalPeak` turns them into an arrival rate. */
export const NationalModel = Type.Object(
  {
    monthlyConfirmations: Type.Number({ exclusiveMinimum: 0, description: '2025-10: 2億7,460万' }),
    weekdayEquivalents: Type.Number({ exclusiveMinimum: 0, description: 'days a month counts as' }),
    peakHourShare: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: '9–10 am hour' }),
    mondayAfterHolidayFactor: Type.Number({ minimum: 1 }),
    monthStartFactor: Type.Number({ minimum: 1 }),
    peakMinuteFactor: Type.Number({ minimum: 1, description: 'peak minute vs the hour mean' }),
    informationViewAllowance: Type.Number({ minimum: 0, description: 'drug/checkup views' }),
    growthAllowance: Type.Number({ minimum: 0, description: 'growth kept in the design rate' }),
    roundTo: Type.Integer({ minimum: 1, description: 'design rate rounded to this step' }),
    /** Growth scenarios for the capacity model: the design rate times each factor. */
    growthScenarios: Type.Array(
      Type.Object(
        { name: Type.String({ minLength: 1 }), factor: Type.Number({ exclusiveMinimum: 0 }) },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type NationalModel = Static<typeof NationalModel>;

/** National shares that give the request mix (see `deriveRequestMix`). */
export const WorkloadModel = Type.Object(
  {
    /** Share of confirmations made with the My Number card (2025-10: 37%). */
    cardShare: Type.Number({ minimum: 0, maximum: 1 }),
    /** Share of checks that come through bulk inquiries (~1 in 8 through 2023-01). */
    bulkShare: Type.Number({ minimum: 0, maximum: 1 }),
    /** Insured people per bulk inquiry request. */
    bulkItemsPerRequest: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** Drug/checkup views per confirmation. */
    viewsPerConfirmation: Type.Number({ minimum: 0 }),
    /** Share of views that are drug information (the rest are checkups). */
    drugViewShare: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type WorkloadModel = Static<typeof WorkloadModel>;

export const Stage = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    /** Seconds. */
    durationS: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
    /** Arrival rate at the end of the stage, as a multiple of the national design rate. */
    targetPeakMultiple: Type.Number({ minimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);
export type Stage = Static<typeof Stage>;

export const Thresholds = Type.Object(
  {
    p99LatencyMs: Type.Number({ exclusiveMinimum: 0 }),
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    droppedRate: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type Thresholds = Static<typeof Thresholds>;

export const LoadProfile = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }),
    description: Type.String({ minLength: 1 }),
    national: NationalModel,
    workload: WorkloadModel,
    /**
     * Multiplies every stage's rate. 1 runs the national design rate itself; smoke uses a tiny
     * scale so CI can run it in seconds. The report always compares with the unscaled national peak.
     */
    rateScale: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
    /** Arrival rate when the run starts, as a multiple of the design rate (stages ramp from it). */
    startPeakMultiple: Type.Number({ minimum: 0, maximum: 100 }),
    stages: Type.Array(Stage, { minItems: 1, maxItems: 100 }),
    /** Warm-up seconds at the first stage's start rate; not counted in the results. */
    warmupS: Type.Number({ minimum: 0, maximum: 600 }),
    /** Requests in flight at most (k6's maxVUs); an arrival beyond it is a dropped iteration. */
    maxInFlight: Type.Integer({ minimum: 1, maximum: 10_000 }),
    requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
    thresholds: Thresholds,
    /** Breakpoint runs stop at the first window that breaks the thresholds. */
    stopOnThresholdBreak: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type LoadProfile = Static<typeof LoadProfile>;

/**
 * A profile file that names another in `extends` and gives only what differs from it: a deep
 * merge, its own keys win, an array replaces the parent's whole. The merge must be a valid
 * LoadProfile; this schema only lets editors check such a file on its own.
 */
export const ExtendingProfile = Type.Object(
  {
    /** A profile name (loadtests/profiles/<name>.json) or a path relative to this file. */
    extends: Type.String({ minLength: 1 }),
    ...Type.Partial(
      Type.Object({
        ...LoadProfile.properties,
        national: Type.Partial(NationalModel),
        workload: Type.Partial(WorkloadModel),
        thresholds: Type.Partial(Thresholds),
      }),
    ).properties,
  },
  { additionalProperties: false },
);

/** What a file in profiles/ holds (profile.schema.json): a whole profile, or one extending another. */
export const ProfileFile = Type.Union([LoadProfile, ExtendingProfile]);

export class ProfileError extends Error {
  readonly code = 'INVALID_PROFILE';
  constructor(
    readonly file: string,
    readonly problems: Array<{ field: string; reason: string }>,
  ) {
    super(
      `${file}: ${problems
        .slice(0, 10)
        .map((p) => `${p.field || '(root)'}: ${p.reason}`)
        .join('; ')}`,
    );
  }
}

/** Validates parsed JSON as a profile; every problem is reported with its field path. */
export function parseProfile(value: unknown, file = '<profile>'): LoadProfile {
  if (Value.Check(LoadProfile, value)) return value;
  const problems = [...Value.Errors(LoadProfile, value)].map((e) => ({
    field: e.path.replace(/^\//, '').replaceAll('/', '.'),
    reason: e.message,
  }));
  throw new ProfileError(file, problems);
}

export const PROFILES_DIR = new URL('../profiles/', import.meta.url);

/**
 * Reads a profile by name (from loadtests/profiles) or by path to a JSON file, with the profiles
 * it extends merged in (`extends`: a name, or a path relative to the extending file).
 */
export async function loadProfile(
  nameOrPath: string,
): Promise<{ profile: LoadProfile; file: string }> {
  const file = profileFileOf(nameOrPath);
  return { profile: parseProfile(await resolveExtends(file, [file]), file), file };
}

function profileFileOf(nameOrPath: string, extendingFile?: string): string {
  if (!/[/\\]|\.json$/.test(nameOrPath))
    return new URL(`${nameOrPath}.json`, PROFILES_DIR).pathname;
  return extendingFile ? resolve(dirname(extendingFile), nameOrPath) : nameOrPath;
}

/** `file`'s JSON with its parents merged in; `chain` is the files from the first down to it. */
async function resolveExtends(file: string, chain: readonly string[]): Promise<unknown> {
  const json = await readJson(file);
  if (!isPlainObject(json) || !('extends' in json)) return json;
  const { extends: parent, ...own } = json;
  if (typeof parent !== 'string' || parent.length === 0)
    throw new ProfileError(file, [{ field: 'extends', reason: 'must be a profile name or path' }]);
  const parentFile = profileFileOf(parent, file);
  const seen = chain.map((f) => resolve(f));
  if (seen.includes(resolve(parentFile))) {
    const names = [...chain, parentFile].map((f) => relative(process.cwd(), f) || f);
    throw new ProfileError(file, [
      { field: 'extends', reason: `profiles extend each other in a cycle: ${names.join(' → ')}` },
    ]);
  }
  return mergeProfiles(await resolveExtends(parentFile, [...chain, parentFile]), own);
}

/** A deep merge of two parsed profiles: `child`'s keys win; arrays are replaced, not joined. */
export function mergeProfiles(parent: unknown, child: unknown): unknown {
  if (!isPlainObject(parent) || !isPlainObject(child)) return child;
  const merged: Record<string, unknown> = { ...parent };
  for (const [key, value] of Object.entries(child)) merged[key] = mergeProfiles(parent[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ProfileError(file, [{ field: '', reason: 'no such profile file' }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProfileError(file, [{ field: '', reason: `not JSON: ${(error as Error).message}` }]);
  }
}

export {
  deriveNationalPeak,
  deriveRequestMix,
  planStages,
  ROUTES,
  type DerivationStep,
  type PlannedStage,
  type Route,
} from './plan.js';
