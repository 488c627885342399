import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import type { DispatchResult, Reader } from './reader.js';
import { type CardStore, unlockCard } from './card-store.js';
import { MAX_PIN_ATTEMPTS, type ReaderState } from './reader-machine.js';
import { screenOf } from './screens.js';

/**
 * Scripted scenarios: a list of steps a person would take at the reader, with expectations in
 * between. Written as YAML or JSON (scenarios/*.yaml), run by the tests, by
 * `POST /v1/scenarios` and by the terminal UI's `run <file>`.
 *
 *   name: face match, first use
 *   reader: clinic
 *   steps:
 *     - place: SERIAL-0001          # or { certificateSerial, pin }
 *     - face: 0.93                  # similarity 0..1
 *     - consents: { pharmacists: true, specificHealthCheckups: false }
 *     - register: true              # answer the 保険証利用登録 offer
 *     - expect: { step: result, validity: '1', screen: 受付が完了しました }
 *     - remove: true
 */
const Consents = Type.Record(Type.String(), Type.Boolean());
const Outcome = Type.Union([Type.String(), Type.Null()]);

export const ScenarioStepSchema = Type.Union([
  Type.Object(
    {
      place: Type.Union([
        Type.String({ minLength: 1 }),
        Type.Object(
          { certificateSerial: Type.String({ minLength: 1 }), pin: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ face: Type.Number() }, { additionalProperties: false }),
  Type.Object({ pin: Type.String() }, { additionalProperties: false }),
  Type.Object({ visual: Type.Boolean() }, { additionalProperties: false }),
  Type.Object({ consents: Consents }, { additionalProperties: false }),
  Type.Object({ register: Type.Boolean() }, { additionalProperties: false }),
  Type.Object({ remove: Type.Literal(true) }, { additionalProperties: false }),
  // The municipal office's reset of a locked card (the card, not the reader).
  Type.Object(
    {
      unlock: Type.Union([
        Type.String({ minLength: 1 }),
        Type.Object(
          {
            certificateSerial: Type.String({ minLength: 1 }),
            newPin: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
          },
          { additionalProperties: false },
        ),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      expect: Type.Object(
        {
          step: Type.Optional(Type.String()),
          notice: Type.Optional(Outcome),
          failure: Type.Optional(Outcome),
          rejection: Type.Optional(Type.String()),
          validity: Type.Optional(Type.String()),
          pinTriesLeft: Type.Optional(Type.Integer()),
          /** Text the reader's screen shows (its title or a line contains it). */
          screen: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    reader: Type.String({ minLength: 1 }),
    steps: Type.Array(ScenarioStepSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type ScenarioStep = Static<typeof ScenarioStepSchema>;

export const ScenarioReportSchema = Type.Object({
  name: Type.String(),
  reader: Type.String(),
  passed: Type.Boolean(),
  steps: Type.Array(
    Type.Object({
      index: Type.Integer(),
      action: Type.String(),
      ok: Type.Boolean(),
      step: Type.String(),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
  ),
  failure: Type.Optional(Type.Object({ index: Type.Integer(), message: Type.String() })),
});
export type ScenarioReport = Static<typeof ScenarioReportSchema>;

export type ScenarioParse =
  { ok: true; scenario: Scenario } | { ok: false; field: string; message: string };

/** Reads a scenario from YAML or JSON text (JSON is YAML); errors name the field. */
export function parseScenario(text: string): ScenarioParse {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    return { ok: false, field: '', message: `not YAML or JSON: ${(error as Error).message}` };
  }
  return checkScenario(data);
}

export function checkScenario(data: unknown): ScenarioParse {
  if (Value.Check(ScenarioSchema, data)) return { ok: true, scenario: data };
  const first = Value.Errors(ScenarioSchema, data)[0];
  const field = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return { ok: false, field, message: first?.message ?? 'not a scenario' };
}

/** Runs the steps in order from an empty reader; stops at the first unmet expectation. */
export async function runScenario(
  scenario: Scenario,
  readers: ReadonlyMap<string, Reader>,
  cards?: CardStore,
): Promise<ScenarioReport> {
  const report: ScenarioReport = {
    name: scenario.name,
    reader: scenario.reader,
    passed: false,
    steps: [],
  };
  const reader = readers.get(scenario.reader);
  if (!reader) {
    report.failure = { index: 0, message: `no reader ${scenario.reader}` };
    return report;
  }
  // A scenario starts at an empty reader, whatever the one before left on it.
  if (reader.state.step !== 'idle') await reader.dispatch({ type: 'card-removed' });
  let rejection: string | undefined;
  for (const [index, step] of scenario.steps.entries()) {
    if ('expect' in step) {
      const unmet = unmetExpectation(step.expect, reader, rejection);
      report.steps.push({ index, action: 'expect', ok: !unmet, step: reader.state.step });
      if (unmet) {
        report.failure = { index, message: unmet };
        return report;
      }
      rejection = undefined;
      continue;
    }
    if (rejection) {
      report.failure = { index, message: `step ${index - 1} was rejected (${rejection})` };
      return report;
    }
    const [action, result] = await perform(reader, step, cards);
    rejection = result.ok ? undefined : result.code;
    report.steps.push({
      index,
      action,
      ok: result.ok,
      step: reader.state.step,
      ...(result.ok ? outcomeFields(result.state) : { code: result.code, message: result.message }),
    });
  }
  if (rejection) {
    report.failure = { index: scenario.steps.length - 1, message: `rejected: ${rejection}` };
    return report;
  }
  report.passed = true;
  return report;
}

function outcomeFields(state: ReaderState): { code?: string; message?: string } {
  const outcome = state.failure ?? state.notice;
  return outcome ? { code: outcome.code, message: outcome.message } : {};
}

async function perform(
  reader: Reader,
  step: Exclude<ScenarioStep, { expect: unknown }>,
  cards: CardStore | undefined,
): Promise<[string, DispatchResult]> {
  if ('unlock' in step) {
    const card = typeof step.unlock === 'string' ? { certificateSerial: step.unlock } : step.unlock;
    const done = cards && (await unlockCard(cards, card.certificateSerial, card.newPin));
    return [
      'unlock',
      done
        ? { ok: true, state: reader.state }
        : {
            ok: false,
            code: 'INVALID_STEP',
            message: 'このカードはまだどのカードリーダーにも置かれていません',
          },
    ];
  }
  if ('place' in step) {
    const card = typeof step.place === 'string' ? { certificateSerial: step.place } : step.place;
    return ['place', await reader.placeCard(card.certificateSerial, card.pin)];
  }
  if ('face' in step)
    return ['face', await reader.dispatch({ type: 'face', similarity: step.face })];
  if ('pin' in step) return ['pin', await reader.dispatch({ type: 'pin', pin: step.pin })];
  if ('visual' in step)
    return ['visual', await reader.dispatch({ type: 'visual', confirmed: step.visual })];
  if ('consents' in step)
    return ['consents', await reader.dispatch({ type: 'consents', answers: step.consents })];
  if ('register' in step)
    return ['register', await reader.dispatch({ type: 'registration', accept: step.register })];
  return ['remove', await reader.dispatch({ type: 'card-removed' })];
}

function unmetExpectation(
  expect: Extract<ScenarioStep, { expect: unknown }>['expect'],
  reader: Reader,
  rejection: string | undefined,
): string | undefined {
  const state = reader.state;
  const checks: Array<[string, unknown, unknown]> = [];
  if (expect.screen !== undefined) {
    const screen = screenOf(reader.settings, state);
    const shown = [screen.title, ...screen.lines];
    if (!shown.some((line) => line.includes(expect.screen ?? ''))) {
      return `expected the screen to show ${expect.screen}, it shows ${shown.join(' / ')}`;
    }
  }
  if (expect.step !== undefined) checks.push(['step', expect.step, state.step]);
  if (expect.notice !== undefined)
    checks.push(['notice', expect.notice, state.notice?.code ?? null]);
  if (expect.failure !== undefined)
    checks.push(['failure', expect.failure, state.failure?.code ?? null]);
  if (expect.rejection !== undefined) checks.push(['rejection', expect.rejection, rejection]);
  if (expect.validity !== undefined)
    checks.push(['validity', expect.validity, state.result?.qualificationValidity]);
  if (expect.pinTriesLeft !== undefined)
    checks.push([
      'pinTriesLeft',
      expect.pinTriesLeft,
      state.card ? MAX_PIN_ATTEMPTS - state.card.failedPinAttempts : undefined,
    ]);
  for (const [name, wanted, actual] of checks) {
    if (wanted !== actual) return `expected ${name} ${String(wanted)}, got ${String(actual)}`;
  }
  return undefined;
}
