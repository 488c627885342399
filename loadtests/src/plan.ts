/**
 * The arithmetic of a load profile, shared by the Node runner and the k6 script (which imports
 * this file directly, so it imports nothing): the national peak derivation, the request mix,
 * the stage plan and the threshold verdicts. One implementation for both runners.
 */

export interface NationalFigures {
  monthlyConfirmations: number;
  weekdayEquivalents: number;
  peakHourShare: number;
  mondayAfterHolidayFactor: number;
  monthStartFactor: number;
  peakMinuteFactor: number;
  informationViewAllowance: number;
  growthAllowance: number;
  roundTo: number;
}

export interface WorkloadShares {
  cardShare: number;
  bulkShare: number;
  bulkItemsPerRequest: number;
  viewsPerConfirmation: number;
  drugViewShare: number;
}

export interface StagePlanInput {
  national: NationalFigures;
  rateScale: number;
  startPeakMultiple: number;
  stages: ReadonlyArray<{ name: string; durationS: number; targetPeakMultiple: number }>;
}

export interface DerivationStep {
  label: string;
  factor: string;
  value: number;
  unit: string;
}

/** The national peak derivation, step by step, ending in the design rate (requests/s). */
export function deriveNationalPeak(model: NationalFigures): {
  steps: DerivationStep[];
  derivedRate: number;
  designRate: number;
} {
  const steps: DerivationStep[] = [];
  const step = (label: string, factor: string, value: number, unit = '/s') => {
    steps.push({ label, factor, value, unit });
    return value;
  };
  const perDay = step(
    'per weekday-equivalent',
    `÷ ${model.weekdayEquivalents}`,
    model.monthlyConfirmations / model.weekdayEquivalents,
    '/day',
  );
  const peakHour = step(
    'peak hour (9–10 am)',
    `× ${model.peakHourShare} ÷ 3600`,
    (perDay * model.peakHourShare) / 3600,
  );
  const monday = step(
    'Monday after a holiday',
    `× ${model.mondayAfterHolidayFactor}`,
    peakHour * model.mondayAfterHolidayFactor,
  );
  const monthStart = step(
    'month start',
    `× ${model.monthStartFactor}`,
    monday * model.monthStartFactor,
  );
  const minute = step(
    'peak minute',
    `× ${model.peakMinuteFactor}`,
    monthStart * model.peakMinuteFactor,
  );
  const views = step(
    'drug/checkup views',
    `× (1 + ${model.informationViewAllowance})`,
    minute * (1 + model.informationViewAllowance),
  );
  const growth = step(
    'growth allowance',
    `× (1 + ${model.growthAllowance})`,
    views * (1 + model.growthAllowance),
  );
  const designRate = step(
    'design national peak',
    `rounded to ${model.roundTo}`,
    Math.round(growth / model.roundTo) * model.roundTo,
  );
  return { steps, derivedRate: growth, designRate };
}

export const ROUTES = [
  'insurance-card-confirmation',
  'card-confirmation',
  'bulk-inquiry',
  'drug-view',
  'checkup-view',
] as const;
export type Route = (typeof ROUTES)[number];

/**
 * Request weights from national shares. Per confirmation: the card share goes to card
 * confirmations, the bulk share arrives in bulk requests of `bulkItemsPerRequest`, the rest are
 * single insurance-card confirmations; views come on top. Weights are normalised to sum to 1.
 */
export function deriveRequestMix(workload: WorkloadShares): Record<Route, number> {
  const single = Math.max(0, 1 - workload.cardShare - workload.bulkShare);
  const raw: Record<Route, number> = {
    'insurance-card-confirmation': single,
    'card-confirmation': workload.cardShare,
    'bulk-inquiry': workload.bulkShare / workload.bulkItemsPerRequest,
    'drug-view': workload.viewsPerConfirmation * workload.drugViewShare,
    'checkup-view': workload.viewsPerConfirmation * (1 - workload.drugViewShare),
  };
  const total = ROUTES.reduce((sum, r) => sum + raw[r], 0);
  const mix = {} as Record<Route, number>;
  for (const r of ROUTES) mix[r] = total > 0 ? raw[r] / total : 0;
  return mix;
}

export interface PlannedStage {
  name: string;
  startS: number;
  durationS: number;
  fromRate: number;
  toRate: number;
}

/** Stages in absolute requests/s after the rate and duration scales. */
export function planStages(profile: StagePlanInput, durationScale = 1): PlannedStage[] {
  const { designRate } = deriveNationalPeak(profile.national);
  const rate = (multiple: number) => multiple * designRate * profile.rateScale;
  let from = rate(profile.startPeakMultiple);
  let startS = 0;
  return profile.stages.map((stage) => {
    const durationS = stage.durationS * durationScale;
    const planned = {
      name: stage.name,
      startS,
      durationS,
      fromRate: from,
      toRate: rate(stage.targetPeakMultiple),
    };
    from = planned.toRate;
    startS += durationS;
    return planned;
  });
}

export interface ThresholdLimits {
  p99LatencyMs: number;
  errorRate: number;
  droppedRate: number;
}

export interface ThresholdResult {
  name: string;
  limit: number;
  actual: number;
  pass: boolean;
}

export function evaluateThresholds(
  thresholds: ThresholdLimits,
  measured: { p99: number; errorRate: number; droppedRate: number },
): ThresholdResult[] {
  return [
    {
      name: 'p99 latency (ms)',
      limit: thresholds.p99LatencyMs,
      actual: measured.p99,
      pass: measured.p99 <= thresholds.p99LatencyMs,
    },
    {
      name: 'error rate',
      limit: thresholds.errorRate,
      actual: measured.errorRate,
      pass: measured.errorRate <= thresholds.errorRate,
    },
    {
      name: 'dropped iterations rate',
      limit: thresholds.droppedRate,
      actual: measured.droppedRate,
      pass: measured.droppedRate <= thresholds.droppedRate,
    },
  ];
}

export const SUMMARY_FORMAT = 'shikaku-loadtest/1';
