// The eligibility path under an open-model load, for users who have k6 (≥ 0.57 runs TypeScript):
//   k6 run -e PROFILE=loadtests/profiles/smoke.json -e FIXTURES=fixtures.json \
//          -e TARGET=http://127.0.0.1:7302 -e SUMMARY=summary.json loadtests/k6/eligibility.ts
// Several instances without a load balancer: -e TARGETS="http://127.0.0.1:56030 http://…:56031"
// (round-robin by iteration, each request tagged `instance`, per-instance counts in the summary).
// Traffic goes to loopback only, unless ALLOW_HOSTS names the hosts of your own deployment
// (-e ALLOW_HOSTS=eligibility-api.shikaku.svc), as a distributed run needs (deploy/README.md).
// It reads the same profile and fixtures as the Node runner, shares its arithmetic (../src/plan.ts)
// and writes the same normalised summary from handleSummary. It imports nothing from node_modules
// (the practitioner proof's string comes from packages/core/src/practitioner-proof-message.ts).
import { check } from 'k6';
import encoding from 'k6/encoding';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  deriveRequestMix,
  evaluateThresholds,
  planStages,
  ROUTES,
  SUMMARY_FORMAT,
  type NationalFigures,
  type Route,
  type ThresholdLimits,
  type WorkloadShares,
} from '../src/plan.ts';
import {
  practitionerProofHeaders,
  practitionerProofMessage,
} from '../../packages/core/src/practitioner-proof-message.ts';

interface Profile {
  name: string;
  description: string;
  national: NationalFigures & { growthScenarios: Array<{ name: string; factor: number }> };
  workload: WorkloadShares;
  rateScale: number;
  startPeakMultiple: number;
  stages: Array<{ name: string; durationS: number; targetPeakMultiple: number }>;
  warmupS: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  thresholds: ThresholdLimits;
  stopOnThresholdBreak: boolean;
}

interface Insured {
  insurerNumber: string;
  insuredCardSymbol?: string;
  insuredIdentificationNumber: string;
  insuredBranchNumber?: string;
  birthDate: string;
}

interface Institution {
  institutionCode: string;
  clientId: string;
  clientSecret: string;
  /** Its registered practitioner: the key signs each drug / checkup view (docs/practitioners.md). */
  practitioner?: { certificateSerial: string; privateKeyJwk: Record<string, string> };
}

const TARGETS = (__ENV.TARGETS ?? __ENV.TARGET ?? 'http://127.0.0.1:7302')
  .split(/[\s,]+/)
  .filter((t) => t.length > 0);
const TARGET = TARGETS[0]!;
const ALLOWED_HOSTS = (__ENV.ALLOW_HOSTS ?? '').split(/[\s,]+/).filter((h) => h.length > 0);
for (const target of TARGETS) {
  const host = /^https?:\/\/(\[[^\]]+\]|[^/:]+)(:\d+)?(\/|$)/.exec(target)?.[1];
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  if (!host || (!loopback && !ALLOWED_HOSTS.includes(host))) {
    throw new Error(
      `load tests send traffic only to loopback (127.0.0.1) or to ALLOW_HOSTS, not ${target}`,
    );
  }
}
/** The instance an iteration (or a set-up call) goes to: round-robin. */
const targetOf = (n: number) => TARGETS[n % TARGETS.length]!;
const profile: Profile = JSON.parse(open(__ENV.PROFILE ?? '../profiles/smoke.json'));
// A profile that extends another holds only its differences; src/profile.ts merges the chain,
// and `shikaku loadtest` hands k6 the merged profile.
if ('extends' in profile) {
  throw new Error(
    `${__ENV.PROFILE} extends another profile: run it with \`shikaku loadtest\`, or pass the merged profile (results/<run>/profile.json)`,
  );
}
const durationScale = Number(__ENV.DURATION_SCALE ?? '1');
const fixtureFile = __ENV.FIXTURES ?? 'fixtures.json';
const insured = new SharedArray<Insured>('insured', () => JSON.parse(open(fixtureFile)).insured);
const institutions = new SharedArray<Institution>(
  'institutions',
  () => JSON.parse(open(fixtureFile)).institutions,
);
const cards = new SharedArray<{ certificateSerial: string }>(
  'cards',
  () => JSON.parse(open(fixtureFile)).cards,
);
const confirmationDate: string =
  __ENV.CONFIRMATION_DATE ?? JSON.parse(open(fixtureFile)).confirmationDate ?? '2025-10-06';

const planned = planStages(profile, durationScale);
const mix = deriveRequestMix(profile.workload);
const errors = new Counter('shikaku_errors');
const ERROR_TYPES = [
  'http_4xx',
  'http_5xx',
  'transport',
  'oqs_error',
  'qualification_not_found',
] as const;

// Rates per minute keep fractional rates (smoke runs 5–10/s) exact in k6's integer targets.
const perMinute = (rate: number) => Math.max(0, Math.round(rate * 60));
const main = 'main';
const thresholdsFor = (filter: string) => ({
  [`http_req_duration{${filter}}`]: [`p(99)<=${profile.thresholds.p99LatencyMs}`],
  [`http_reqs{${filter}}`]: ['count>=0'],
});
// Sub-metrics per instance (k6 reports a tag's figures only for the thresholds that name it).
const instanceThresholds = (filter: string) =>
  TARGETS.length > 1
    ? Object.fromEntries(
        TARGETS.flatMap((_, i) => [
          [`http_req_duration{${filter},instance:${i}}`, ['max>=0']],
          [`http_reqs{${filter},instance:${i}}`, ['count>=0']],
          [`http_req_failed{${filter},instance:${i}}`, ['rate>=0']],
        ]),
      )
    : {};

export const options: Options = {
  discardResponseBodies: false,
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  scenarios: {
    ...(profile.warmupS > 0
      ? {
          warmup: {
            executor: 'constant-arrival-rate',
            rate: Math.max(60, perMinute(planned[0]!.fromRate)),
            timeUnit: '1m',
            duration: `${Math.max(1, Math.round(profile.warmupS * durationScale))}s`,
            preAllocatedVUs: Math.min(50, profile.maxInFlight),
            maxVUs: profile.maxInFlight,
          },
        }
      : {}),
    [main]: {
      executor: 'ramping-arrival-rate',
      startTime: `${profile.warmupS > 0 ? Math.max(1, Math.round(profile.warmupS * durationScale)) : 0}s`,
      startRate: perMinute(planned[0]!.fromRate),
      timeUnit: '1m',
      preAllocatedVUs: Math.min(200, profile.maxInFlight),
      maxVUs: profile.maxInFlight,
      stages: planned.map((s) => ({
        target: perMinute(s.toRate),
        duration: `${Math.max(1, Math.round(s.durationS))}s`,
      })),
    },
  },
  thresholds: {
    ...thresholdsFor(`scenario:${main}`),
    ...Object.fromEntries(
      ROUTES.flatMap((r) => Object.entries(thresholdsFor(`scenario:${main},route:${r}`))),
    ),
    [`http_req_failed{scenario:${main}}`]: [`rate<=${profile.thresholds.errorRate}`],
    [`iterations{scenario:${main}}`]: ['count>=0'],
    [`dropped_iterations{scenario:${main}}`]: ['count>=0'],
    ...instanceThresholds(`scenario:${main}`),
    ...Object.fromEntries(
      ERROR_TYPES.map((t) => [`shikaku_errors{scenario:${main},type:${t}}`, ['count>=0']]),
    ),
  },
};

interface SetupData {
  tokens: string[];
  consents: Array<string | null>;
}

const json = (value: unknown) => JSON.stringify(value);
const compact = (date: string) => date.replace(/-/g, '');
const restHeaders = (token: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
});

/** Institutions log in like a real client; cards are registered; each institution gets a consent. */
export function setup(): SetupData {
  const tokens = institutions.map((inst, i) => {
    const res = http.post(
      `${targetOf(i)}/oqs-api-pro/MSA12020/ILI12020SV01/auth`,
      json({ clientId: inst.clientId, clientSecret: inst.clientSecret }),
      {
        headers: { 'content-type': 'application/json' },
        tags: { route: 'login' },
      },
    );
    const token = (res.json() as { result?: { idToken?: string } } | null)?.result?.idToken;
    if (res.status !== 200 || !token)
      throw new Error(`login failed for ${inst.institutionCode}: HTTP ${res.status}`);
    return token;
  });
  cards.forEach((card, i) => {
    http.post(
      `${targetOf(i)}/v1/card-registrations`,
      json({ certificateSerial: card.certificateSerial }),
      {
        headers: restHeaders(tokens[i % tokens.length]!),
        tags: { route: 'setup' },
      },
    );
  });
  const consents = tokens.map((token, i) => {
    if (cards.length === 0) return null;
    const res = http.post(`${targetOf(i)}/v1/card-confirmations`, cardBody(i % cards.length), {
      headers: restHeaders(token),
      tags: { route: 'setup' },
    });
    return (
      (res.json() as { consents?: { consentId?: string } } | null)?.consents?.consentId ?? null
    );
  });
  return { tokens, consents };
}

function cardBody(card: number): string {
  return json({
    certificateSerial: cards[card]!.certificateSerial,
    verificationMethod: 'face',
    confirmationDate,
    consents: { specificHealthCheckups: true, pharmacists: true },
  });
}

function pickRoute(): Route {
  let x = Math.random();
  for (const route of ROUTES) {
    x -= mix[route];
    if (x < 0) return route;
  }
  return ROUTES[0];
}

const any = <T>(list: ArrayLike<T>): [T, number] => {
  const i = Math.floor(Math.random() * list.length);
  return [list[i]!, i];
};

function classify(
  route: Route,
  res: { status: number; json(): unknown },
): (typeof ERROR_TYPES)[number] | null {
  if (res.status === 0) return 'transport';
  if (res.status >= 500) return 'http_5xx';
  if (res.status >= 400) return 'http_4xx';
  if (route === 'insurance-card-confirmation') {
    const msg = (
      res.json() as {
        XmlMsg?: {
          MessageHeader?: { SegmentOfResult?: string };
          MessageBody?: { QualificationValidity?: string };
        };
      }
    )?.XmlMsg;
    if (msg?.MessageHeader?.SegmentOfResult === '9') return 'oqs_error';
    if (msg?.MessageBody?.QualificationValidity === '4') return 'qualification_not_found';
  }
  return null;
}

/** k6's global WebCrypto, as far as this script uses it (@types/k6 does not declare it). */
type K6CryptoKey = { readonly type: string };
declare const crypto: {
  getRandomValues<T extends Uint8Array>(array: T): T;
  subtle: {
    importKey(
      format: 'jwk',
      key: Record<string, string>,
      algorithm: { name: 'ECDSA'; namedCurve: 'P-256' },
      extractable: boolean,
      usages: string[],
    ): Promise<K6CryptoKey>;
    sign(
      algorithm: { name: 'ECDSA'; hash: 'SHA-256' },
      key: K6CryptoKey,
      data: ArrayBuffer,
    ): Promise<ArrayBuffer>;
  };
};

/** Each institution's practitioner key, imported once per VU. */
const practitionerKeys = new Map<number, Promise<K6CryptoKey>>();

/**
 * The practitioner proof headers of one view, built by the server's own builder (core's
 * practitioner-proof-message.ts, which imports nothing): ECDSA P-256 over its string; WebCrypto's
 * r ‖ s signature, which the server accepts.
 */
async function practitionerProof(inst: number, path: string): Promise<Record<string, string>> {
  const institution = institutions[inst]!;
  const practitioner = institution.practitioner;
  if (!practitioner) return {};
  let key = practitionerKeys.get(inst);
  if (key === undefined) {
    key = crypto.subtle.importKey(
      'jwk',
      practitioner.privateKeyJwk,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    practitionerKeys.set(inst, key);
  }
  const fields = {
    method: 'GET',
    path,
    institutionCode: institution.institutionCode,
    certificateSerial: practitioner.certificateSerial,
    timestamp: new Date().toISOString(),
    nonce: encoding.b64encode(crypto.getRandomValues(new Uint8Array(18)).buffer, 'rawurl'),
  };
  const message = practitionerProofMessage(fields);
  // Every character of the message is ASCII (the path is percent-encoded).
  const bytes = new Uint8Array(message.length);
  for (let i = 0; i < message.length; i++) bytes[i] = message.charCodeAt(i);
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    await key,
    bytes.buffer,
  );
  return practitionerProofHeaders(fields, encoding.b64encode(signature, 'rawurl'));
}

export default async function (data: SetupData): Promise<void> {
  const route = pickRoute();
  const [, inst] = any(institutions);
  const token = data.tokens[inst]!;
  const instance = exec.scenario.iterationInTest % TARGETS.length;
  const TARGET = TARGETS[instance]!;
  const params = {
    headers: restHeaders(token),
    tags: { route, instance: String(instance) },
    timeout: `${profile.requestTimeoutMs}ms`,
  };
  let res;
  if (
    route === 'insurance-card-confirmation' ||
    (route === 'card-confirmation' && cards.length === 0)
  ) {
    const [p] = any(insured);
    const info: Record<string, string> = {
      InsurerNumber: p.insurerNumber,
      InsuredIdentificationNumber: p.insuredIdentificationNumber,
      Birthdate: compact(p.birthDate),
      LimitApplicationCertificateRelatedConsFlg: '0',
    };
    if (p.insuredCardSymbol) info.InsuredCardSymbol = p.insuredCardSymbol;
    if (p.insuredBranchNumber) info.InsuredBranchNumber = p.insuredBranchNumber;
    const body = json({
      XmlMsg: {
        MessageHeader: {
          QualificationConfirmationDate: compact(confirmationDate),
          MedicalInstitutionCode: institutions[inst]!.institutionCode,
        },
        MessageBody: { QualificationConfirmSearchInfo: info },
      },
    });
    res = http.post(`${TARGET}/oqs-api-pro/MSA01030/ILI01030SV01/search`, body, {
      ...params,
      headers: { 'content-type': 'application/json', authorization: token },
      tags: { route: 'insurance-card-confirmation', instance: String(instance) },
    });
  } else if (route === 'card-confirmation') {
    res = http.post(`${TARGET}/v1/card-confirmations`, cardBody(any(cards)[1]), params);
  } else if (route === 'bulk-inquiry') {
    const items = [];
    for (let i = 0; i < profile.workload.bulkItemsPerRequest; i++) {
      const [p] = any(insured);
      items.push({ ...p, arbitraryIdentifier: `lt${i}` });
    }
    res = http.post(`${TARGET}/v1/bulk-inquiries`, json({ items, confirmationDate }), params);
  } else {
    const owner = data.consents[inst] ? inst : data.consents.findIndex((c) => c !== null);
    const consentId = encodeURIComponent(data.consents[owner] ?? 'none');
    const kind = route === 'drug-view' ? 'drug-information' : 'checkup-information';
    const path = `/v1/consents/${consentId}/${kind}`;
    const viewer = Math.max(0, owner);
    res = http.get(`${TARGET}${path}`, {
      ...params,
      headers: {
        ...restHeaders(data.tokens[viewer]!),
        ...(await practitionerProof(viewer, path)),
      },
    });
  }
  const error = classify(route, res);
  if (error) errors.add(1, { type: error });
  check(res, { [`${route} ok`]: () => error === null });
}

interface K6Metric {
  values: Record<string, number>;
}

/** The same normalised summary the Node runner writes (no timeline: k6 keeps that in --out). */
export function handleSummary(data: {
  metrics: Record<string, K6Metric | undefined>;
  state: { testRunDurationMs: number };
}) {
  const metric = (name: string) => data.metrics[name]?.values ?? {};
  const stats = (name: string) => {
    const v = metric(name);
    return {
      count: v.count ?? 0,
      p50: v.med ?? 0,
      p95: v['p(95)'] ?? 0,
      p99: v['p(99)'] ?? 0,
      max: v.max ?? 0,
      mean: v.avg ?? 0,
    };
  };
  const f = `scenario:${main}`;
  const iterations = metric(`iterations{${f}}`).count ?? 0;
  const dropped = metric(`dropped_iterations{${f}}`).count ?? 0;
  const errorCounts: Record<string, number> = {};
  for (const t of ERROR_TYPES) {
    const n = metric(`shikaku_errors{${f},type:${t}}`).count ?? 0;
    if (n > 0) errorCounts[t] = n;
  }
  if (dropped > 0) errorCounts.dropped_iteration = dropped;
  const errorTotal = ERROR_TYPES.reduce((s, t) => s + (errorCounts[t] ?? 0), 0);
  const overall = stats(`http_req_duration{${f}}`);
  const routes: Record<string, unknown> = {};
  for (const r of ROUTES) {
    const latency = stats(`http_req_duration{${f},route:${r}}`);
    if (latency.count > 0)
      routes[r] = {
        count: metric(`http_reqs{${f},route:${r}}`).count ?? latency.count,
        errors: 0,
        latencyMs: latency,
        serviceMs: latency,
      };
  }
  const last = planned[planned.length - 1]!;
  const durationS = last.startS + last.durationS;
  const scheduled = iterations + dropped;
  const thresholds = evaluateThresholds(profile.thresholds, {
    p99: overall.p99,
    errorRate: iterations ? errorTotal / iterations : 0,
    droppedRate: scheduled ? dropped / scheduled : 0,
  });
  const summary = {
    format: SUMMARY_FORMAT,
    runner: 'k6',
    profile,
    durationScale,
    target: TARGET,
    startedAt: new Date(Date.now() - data.state.testRunDurationMs).toISOString(),
    durationS,
    windowS: durationS,
    plannedStages: planned,
    stages: [
      {
        name: 'whole run',
        startS: 0,
        durationS,
        plannedFromRate: planned[0]!.fromRate,
        plannedToRate: last.toRate,
        offeredRate: scheduled / durationS,
        achievedRate: (iterations - errorTotal) / durationS,
        scheduled,
        ok: iterations - errorTotal,
        errors: errorTotal,
        dropped,
        latencyMs: overall,
      },
    ],
    totals: {
      scheduled,
      sent: iterations,
      completed: iterations,
      ok: iterations - errorTotal,
      errors: errorTotal,
      dropped,
    },
    routes,
    ...(TARGETS.length > 1
      ? {
          instances: TARGETS.map((url, i) => {
            const count = metric(`http_reqs{${f},instance:${i}}`).count ?? 0;
            const failed = Math.round(
              (metric(`http_req_failed{${f},instance:${i}}`).rate ?? 0) * count,
            );
            return {
              name: `instance ${i + 1}`,
              url,
              scheduled: count,
              ok: count - failed,
              errors: failed,
              dropped: 0,
              latencyMs: stats(`http_req_duration{${f},instance:${i}}`),
              timeline: [],
            };
          }),
        }
      : {}),
    timeline: [],
    errors: errorCounts,
    thresholds,
    pass: scheduled > 0 && thresholds.every((t) => t.pass),
    notes: [
      'k6 runner: per-stage and per-window figures are in k6-points.json (--out json); this summary holds whole-run figures.',
    ],
  };
  return {
    [__ENV.SUMMARY ?? 'summary.json']: JSON.stringify(summary, null, 2),
    stdout: `shikaku ${profile.name}: ${summary.pass ? 'PASS' : 'FAIL'} p99 ${overall.p99.toFixed(1)} ms, ${iterations} requests, ${errorTotal} errors, ${dropped} dropped\n`,
  };
}
