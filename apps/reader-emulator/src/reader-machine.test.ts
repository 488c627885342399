import { describe, expect, it } from 'vitest';
import type { CardConfirmation } from './card-confirmation.js';
import {
  allowedEvents,
  type CardRecord,
  IDLE,
  type ReaderEvent,
  type ReaderSettings,
  type ReaderState,
  type TransitionResult,
  transition,
} from './reader-machine.js';
import { CONSENT_SCREENS, READER_MODELS, findReaderModel } from './reader-models.js';

const model = findReaderModel('panasonic')!;
const settings: ReaderSettings = {
  model,
  faceThreshold: 0.8,
  enabledConsents: ['specificHealthCheckups', 'pharmacists'],
};
const card: CardRecord = {
  certificateSerial: 'SERIAL-0001',
  pin: '1234',
  failedPinAttempts: 0,
  locked: false,
};
const confirmation: CardConfirmation = {
  qualificationValidity: '1',
  confirmationDate: '2021-10-20',
  results: [],
};

function run(events: ReaderEvent[], s: ReaderSettings = settings) {
  let state: ReaderState = IDLE;
  const effects = [];
  for (const event of events) {
    const result = transition(s, state, event);
    if (!result.ok) throw new Error(`${event.type}: ${result.code}`);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

function step(state: ReaderState, event: ReaderEvent, s = settings): TransitionResult {
  return transition(s, state, event);
}

describe('reader models', () => {
  it('configures four models with maker, model and capabilities', () => {
    expect(READER_MODELS).toHaveLength(4);
    expect(new Set(READER_MODELS.map((m) => m.id)).size).toBe(4);
    for (const m of READER_MODELS) {
      expect(m.faceAuth).toBe(true);
      expect(m.maker.length).toBeGreaterThan(0);
    }
  });
});

describe('face match', () => {
  it('matches exactly at the threshold and not just below it', () => {
    const at = run([
      { type: 'card-placed', card },
      { type: 'face', similarity: 0.8 },
    ]);
    expect(at.state.step).toBe('consents');
    expect(at.state.method).toBe('face');

    const below = run([
      { type: 'card-placed', card },
      { type: 'face', similarity: 0.7999 },
    ]);
    expect(below.state.step).toBe('authenticating');
    expect(below.state.notice?.code).toBe('FACE_MISMATCH');
  });

  it('falls back to the PIN after a face mismatch', () => {
    const { state } = run([
      { type: 'card-placed', card },
      { type: 'face', similarity: 0.2 },
      { type: 'pin', pin: '1234' },
    ]);
    expect(state.step).toBe('consents');
    expect(state.method).toBe('pin');
    expect(state.notice).toBeNull();
  });

  it('rejects a similarity outside 0..1 without changing state', () => {
    const placed = run([{ type: 'card-placed', card }]).state;
    const result = step(placed, { type: 'face', similarity: 1.5 });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_SIMILARITY', field: 'similarity' });
  });

  it('uses the configured threshold', () => {
    const strict = { ...settings, faceThreshold: 0.95 };
    const { state } = run(
      [
        { type: 'card-placed', card },
        { type: 'face', similarity: 0.9 },
      ],
      strict,
    );
    expect(state.notice?.code).toBe('FACE_MISMATCH');
  });
});

describe('PIN', () => {
  it('locks the card on the third wrong PIN and saves the lock', () => {
    const { state, effects } = run([
      { type: 'card-placed', card },
      { type: 'pin', pin: '0000' },
      { type: 'pin', pin: '0001' },
    ]);
    expect(state.step).toBe('authenticating');
    expect(state.notice?.code).toBe('PIN_MISMATCH');
    expect(state.card?.failedPinAttempts).toBe(2);
    expect(effects).toHaveLength(2);

    const third = step(state, { type: 'pin', pin: '0002' });
    expect(third.ok).toBe(true);
    if (!third.ok) return;
    expect(third.state.step).toBe('failed');
    expect(third.state.failure?.code).toBe('CARD_LOCKED');
    expect(third.effects).toEqual([
      { type: 'save-card', card: { ...card, failedPinAttempts: 3, locked: true } },
    ]);
  });

  it('refuses a locked card as soon as it is placed', () => {
    const { state } = run([{ type: 'card-placed', card: { ...card, locked: true } }]);
    expect(state.step).toBe('failed');
    expect(state.failure?.code).toBe('CARD_LOCKED');
    expect(step(state, { type: 'pin', pin: '1234' })).toMatchObject({ code: 'INVALID_STEP' });
  });

  it('counts wrong PINs across sessions and resets the counter on a correct one', () => {
    const twice = { ...card, failedPinAttempts: 2 };
    const locked = run([
      { type: 'card-placed', card: twice },
      { type: 'pin', pin: '9999' },
    ]);
    expect(locked.state.failure?.code).toBe('CARD_LOCKED');

    const good = run([
      { type: 'card-placed', card: twice },
      { type: 'pin', pin: '1234' },
    ]);
    expect(good.state.step).toBe('consents');
    expect(good.effects).toEqual([{ type: 'save-card', card: { ...card, failedPinAttempts: 0 } }]);
  });

  it('does not count a malformed PIN as a try', () => {
    const placed = run([{ type: 'card-placed', card }]).state;
    expect(step(placed, { type: 'pin', pin: '12a4' })).toMatchObject({
      ok: false,
      code: 'INVALID_PIN_FORMAT',
    });
    expect(step(placed, { type: 'pin', pin: '12345' })).toMatchObject({ ok: false });
  });
});

describe('staff visual check', () => {
  it('authenticates when staff confirm and ends the flow when they do not', () => {
    expect(
      run([
        { type: 'card-placed', card },
        { type: 'visual', confirmed: true },
      ]).state.method,
    ).toBe('visual');
    const rejected = run([
      { type: 'card-placed', card },
      { type: 'visual', confirmed: false },
    ]);
    expect(rejected.state.failure?.code).toBe('VISUAL_CHECK_REJECTED');
  });
});

describe('consent screens', () => {
  const authenticated = run([
    { type: 'card-placed', card },
    { type: 'face', similarity: 0.9 },
  ]).state;

  it('asks exactly the enabled screens and sends the answers with the confirmation', () => {
    const result = step(authenticated, {
      type: 'consents',
      answers: { specificHealthCheckups: true, pharmacists: false },
    });
    expect(result.ok && result.state.step).toBe('confirming');
    expect(result.ok && result.effects).toEqual([
      {
        type: 'confirm-card',
        certificateSerial: 'SERIAL-0001',
        method: 'face',
        consents: { specificHealthCheckups: true, pharmacists: false },
      },
    ]);
  });

  it('rejects an answer for a screen the facility did not enable, and a missing answer', () => {
    expect(
      step(authenticated, {
        type: 'consents',
        answers: { specificHealthCheckups: true, pharmacists: true, diagnosis: true },
      }),
    ).toMatchObject({ ok: false, code: 'CONSENT_SCREEN_DISABLED', field: 'diagnosis' });
    expect(
      step(authenticated, { type: 'consents', answers: { specificHealthCheckups: true } }),
    ).toMatchObject({ ok: false, code: 'CONSENT_ANSWER_MISSING', field: 'pharmacists' });
  });

  it('skips the consent step when the facility enabled none', () => {
    const none = { ...settings, enabledConsents: [] };
    const { state, effects } = run(
      [
        { type: 'card-placed', card },
        { type: 'face', similarity: 0.9 },
      ],
      none,
    );
    expect(state.step).toBe('confirming');
    expect(effects[0]).toMatchObject({ type: 'confirm-card', consents: {} });
  });

  it('shows all five screens when all are enabled', () => {
    const all = { ...settings, enabledConsents: CONSENT_SCREENS };
    const state = run(
      [
        { type: 'card-placed', card },
        { type: 'face', similarity: 0.9 },
      ],
      all,
    ).state;
    const answers = Object.fromEntries(CONSENT_SCREENS.map((s) => [s, true]));
    expect(step(state, { type: 'consents', answers }, all).ok).toBe(true);
  });
});

describe('confirmation and first-use registration', () => {
  const confirming = run([
    { type: 'card-placed', card },
    { type: 'face', similarity: 0.9 },
    { type: 'consents', answers: { specificHealthCheckups: true, pharmacists: true } },
  ]).state;

  it('shows the result', () => {
    const result = step(confirming, { type: 'confirmation-succeeded', result: confirmation });
    expect(result.ok && result.state.step).toBe('result');
    expect(result.ok && result.state.result).toEqual(confirmation);
  });

  it('offers 保険証利用登録 on first use, then confirms again with the same consents', () => {
    const offered = step(confirming, {
      type: 'confirmation-failed',
      code: 'CARD_NOT_REGISTERED',
      message: 'not registered',
    });
    expect(offered.ok && offered.state.step).toBe('registration-offer');
    if (!offered.ok) return;
    const accepted = step(offered.state, { type: 'registration', accept: true });
    expect(accepted.ok && accepted.effects).toEqual([
      { type: 'register-card', certificateSerial: 'SERIAL-0001' },
    ]);
    if (!accepted.ok) return;
    const registered = step(accepted.state, { type: 'registration-succeeded' });
    expect(registered.ok && registered.effects).toEqual([
      {
        type: 'confirm-card',
        certificateSerial: 'SERIAL-0001',
        method: 'face',
        consents: { specificHealthCheckups: true, pharmacists: true },
      },
    ]);
  });

  it('ends with REGISTRATION_DECLINED when the holder declines', () => {
    const offered = step(confirming, {
      type: 'confirmation-failed',
      code: 'CARD_NOT_REGISTERED',
      message: 'not registered',
    });
    if (!offered.ok) throw new Error('expected an offer');
    const declined = step(offered.state, { type: 'registration', accept: false });
    expect(declined.ok && declined.state.failure?.code).toBe('REGISTRATION_DECLINED');
    expect(declined.ok && declined.effects).toEqual([]);
  });

  it('ends with the upstream code on a revoked certificate', () => {
    const revoked = step(confirming, {
      type: 'confirmation-failed',
      code: 'CERTIFICATE_REVOKED',
      message: 'revoked',
    });
    expect(revoked.ok && revoked.state).toMatchObject({
      step: 'failed',
      failure: { code: 'CERTIFICATE_REVOKED' },
    });
  });

  it('returns to idle when the card is removed, from any step', () => {
    expect(step(confirming, { type: 'card-removed' })).toMatchObject({ ok: true, state: IDLE });
    expect(step(IDLE, { type: 'card-removed' })).toMatchObject({ ok: false, code: 'INVALID_STEP' });
  });

  it('lists the events each step allows', () => {
    expect(allowedEvents(settings, IDLE)).toEqual(['card-placed']);
    expect(allowedEvents(settings, { ...IDLE, step: 'authenticating', card })).toEqual([
      'face',
      'pin',
      'visual',
      'card-removed',
    ]);
  });
});
