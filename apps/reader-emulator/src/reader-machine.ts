import type { CardConfirmation, ConsentAnswers } from './card-confirmation.js';
import {
  CONSENT_SCREENS,
  type ConsentScreen,
  type PinEntry,
  pinEntryOf,
  type ReaderModel,
  type VerificationMethod,
  verificationMethods,
} from './reader-models.js';
import { ACTION_LABELS, CONSENT_QUESTIONS, pinTriesText, STEP_LABELS } from './texts.js';

/**
 * The reader's flow as a pure state machine: `transition(settings, state, event)` returns the next
 * state and the effects a driver must perform (save the card's PIN counter, call eligibility-api).
 * No I/O, no clock: the HTTP API, the terminal UI and the scripted scenarios all drive this.
 *
 * card placed → face match | PIN | staff visual check → consent screens → confirmation → result.
 * A first-use card (eligibility-api answers CARD_NOT_REGISTERED) is offered 保険証利用登録, and the
 * confirmation is retried with the same consents once it is registered.
 */

/** What the card itself holds that the reader can see: the certificate serial and PIN state. */
export interface CardRecord {
  certificateSerial: string;
  pin: string;
  /** Wrong PIN entries since the last correct one; kept on the card, across sessions. */
  failedPinAttempts: number;
  /** Locked after MAX_PIN_ATTEMPTS wrong entries; only a municipal office can unlock it (unlockCard). */
  locked: boolean;
}

export const MAX_PIN_ATTEMPTS = 3;

export interface ReaderSettings {
  model: ReaderModel;
  /** Similarity (0..1) a face must reach; at or above it the face matches. */
  faceThreshold: number;
  /** Consent screens the facility enabled (limited to what the model can show). */
  enabledConsents: readonly ConsentScreen[];
}

export type ReaderStep =
  | 'idle'
  | 'authenticating'
  | 'consents'
  | 'confirming'
  | 'registration-offer'
  | 'registering'
  | 'result'
  | 'failed';

/** Codes of outcomes shown on the reader, stable across the HTTP API, TUI and scenarios. */
export type ReaderOutcomeCode =
  | 'CARD_LOCKED'
  | 'FACE_MISMATCH'
  | 'PIN_MISMATCH'
  | 'VISUAL_CHECK_REJECTED'
  | 'REGISTRATION_DECLINED'
  | 'CARD_NOT_REGISTERED'
  | 'CERTIFICATE_REVOKED'
  | 'CERTIFICATE_EXPIRED'
  | 'PERSON_NOT_FOUND'
  | 'CONFIRMATION_FAILED'
  | 'UPSTREAM_UNAVAILABLE';

export interface Outcome {
  code: ReaderOutcomeCode;
  message: string;
}

export interface ReaderState {
  step: ReaderStep;
  card: CardRecord | null;
  method: VerificationMethod | null;
  consents: ConsentAnswers | null;
  /** A recoverable outcome on the current step (face mismatch, wrong PIN). */
  notice: Outcome | null;
  /** Why the flow ended, when step is 'failed'. */
  failure: Outcome | null;
  result: CardConfirmation | null;
}

export type ReaderEvent =
  | { type: 'card-placed'; card: CardRecord }
  | { type: 'card-removed' }
  | { type: 'face'; similarity: number }
  /** `on`: the reader's own pad ('device') or the terminal's screen; by default the model's. */
  | { type: 'pin'; pin: string; on?: PinEntry }
  | { type: 'visual'; confirmed: boolean }
  | { type: 'consents'; answers: ConsentAnswers }
  | { type: 'registration'; accept: boolean }
  | { type: 'registration-succeeded' }
  | { type: 'registration-failed'; code: ReaderOutcomeCode; message: string }
  | { type: 'confirmation-succeeded'; result: CardConfirmation }
  | { type: 'confirmation-failed'; code: ReaderOutcomeCode; message: string };

export type ReaderEffect =
  | { type: 'save-card'; card: CardRecord }
  | { type: 'register-card'; certificateSerial: string }
  | {
      type: 'confirm-card';
      certificateSerial: string;
      method: VerificationMethod;
      consents: ConsentAnswers;
    };

/** Why an event cannot be applied: a value, not an exception. */
export type RejectionCode =
  | 'INVALID_STEP'
  | 'METHOD_NOT_SUPPORTED'
  | 'INVALID_SIMILARITY'
  | 'INVALID_PIN_FORMAT'
  | 'CONSENT_SCREEN_DISABLED'
  | 'CONSENT_ANSWER_MISSING'
  /** eligibility-api (J-LIS) does not know the placed card's certificate. */
  | 'CERTIFICATE_UNKNOWN';

export type TransitionResult =
  | { ok: true; state: ReaderState; effects: ReaderEffect[] }
  | { ok: false; code: RejectionCode; message: string; field?: string };

export const IDLE: ReaderState = {
  step: 'idle',
  card: null,
  method: null,
  consents: null,
  notice: null,
  failure: null,
  result: null,
};

/** The consent screens a reader shows: the facility's choice, limited to the model's screens. */
export function consentScreensShown(settings: ReaderSettings): ConsentScreen[] {
  return CONSENT_SCREENS.filter(
    (screen) =>
      settings.enabledConsents.includes(screen) && settings.model.consentScreens.includes(screen),
  );
}

/** The events a driver may send in this state (for the HTTP API and the terminal UI). */
export function allowedEvents(settings: ReaderSettings, state: ReaderState): string[] {
  switch (state.step) {
    case 'idle':
      return ['card-placed'];
    case 'authenticating':
      return [...verificationMethods(settings.model), 'card-removed'];
    case 'consents':
      return ['consents', 'card-removed'];
    case 'registration-offer':
      return ['registration', 'card-removed'];
    case 'confirming':
      return ['confirmation-succeeded', 'confirmation-failed', 'card-removed'];
    case 'registering':
      return ['registration-succeeded', 'registration-failed', 'card-removed'];
    case 'result':
    case 'failed':
      return ['card-removed'];
  }
}

const ok = (state: ReaderState, effects: ReaderEffect[] = []): TransitionResult => ({
  ok: true,
  state,
  effects,
});

const reject = (code: RejectionCode, message: string, field?: string): TransitionResult => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const fail = (state: ReaderState, outcome: Outcome, effects: ReaderEffect[] = []) =>
  ok({ ...state, step: 'failed', notice: null, failure: outcome }, effects);

export function transition(
  settings: ReaderSettings,
  state: ReaderState,
  event: ReaderEvent,
): TransitionResult {
  if (event.type === 'card-removed') {
    return state.step === 'idle' ? reject('INVALID_STEP', 'カードが置かれていません') : ok(IDLE);
  }
  if (!allowedEvents(settings, state).includes(event.type)) {
    return reject(
      'INVALID_STEP',
      `「${STEP_LABELS[state.step]}」の画面では、${ACTION_LABELS[event.type] ?? event.type}はできません`,
    );
  }
  switch (event.type) {
    case 'card-placed':
      return placeCard(event.card);
    case 'face':
    case 'pin':
    case 'visual':
      return authenticate(settings, state, event);
    case 'consents':
      return answerConsents(settings, state, event.answers);
    case 'confirmation-succeeded':
      return ok({ ...state, step: 'result', notice: null, result: event.result });
    case 'confirmation-failed':
      if (event.code === 'CARD_NOT_REGISTERED') {
        return ok({
          ...state,
          step: 'registration-offer',
          notice: { code: event.code, message: event.message },
        });
      }
      return fail(state, { code: event.code, message: event.message });
    case 'registration':
      if (!event.accept) {
        return fail(state, {
          code: 'REGISTRATION_DECLINED',
          message: '健康保険証としての利用登録をしませんでした。保険証をご提示ください',
        });
      }
      return ok({ ...state, step: 'registering', notice: null }, [
        { type: 'register-card', certificateSerial: cardOf(state).certificateSerial },
      ]);
    case 'registration-succeeded':
      return confirmNow(state, state.consents ?? {});
    case 'registration-failed':
      return fail(state, { code: event.code, message: event.message });
  }
}

/** What a PIN entered on the card does (`checkCardPin`); `card` is the card as it is after it. */
export type CardPinCheck =
  | { outcome: 'format'; code: 'INVALID_PIN_FORMAT'; message: string; card: CardRecord }
  | { outcome: 'mismatch'; code: 'PIN_MISMATCH'; message: string; card: CardRecord }
  | { outcome: 'locked'; code: 'CARD_LOCKED'; message: string; card: CardRecord }
  | { outcome: 'ok'; card: CardRecord };

/**
 * The card applet's PIN rule, the same at a face-auth reader and at a citizen's sign-in: four
 * digits (a malformed entry does not count); a wrong PIN counts and the third locks the card; a
 * right one resets the count.
 */
export function checkCardPin(card: CardRecord, pin: string): CardPinCheck {
  if (!/^\d{4}$/.test(pin))
    return {
      outcome: 'format',
      code: 'INVALID_PIN_FORMAT',
      message: '暗証番号は数字4桁です',
      card,
    };
  if (pin === card.pin) return { outcome: 'ok', card: { ...card, failedPinAttempts: 0 } };
  const attempts = card.failedPinAttempts + 1;
  const next: CardRecord = {
    ...card,
    failedPinAttempts: attempts,
    locked: attempts >= MAX_PIN_ATTEMPTS,
  };
  if (next.locked)
    return {
      outcome: 'locked',
      code: 'CARD_LOCKED',
      message: `暗証番号を${MAX_PIN_ATTEMPTS}回間違えたため、カードがロックされました。お住まいの市区町村の窓口でロックを解除してください`,
      card: next,
    };
  return {
    outcome: 'mismatch',
    code: 'PIN_MISMATCH',
    message: `暗証番号が違います。${pinTriesText(MAX_PIN_ATTEMPTS - attempts)}`,
    card: next,
  };
}

function cardOf(state: ReaderState): CardRecord {
  if (!state.card) throw new Error(`reader in step ${state.step} holds no card`);
  return state.card;
}

function placeCard(card: CardRecord): TransitionResult {
  const state: ReaderState = { ...IDLE, step: 'authenticating', card };
  if (card.locked) {
    return fail(state, {
      code: 'CARD_LOCKED',
      message:
        'このカードはロックされています（暗証番号を3回間違えました）。お住まいの市区町村の窓口でロックを解除してください',
    });
  }
  return ok(state);
}

function authenticate(
  settings: ReaderSettings,
  state: ReaderState,
  event: Extract<ReaderEvent, { type: 'face' | 'pin' | 'visual' }>,
): TransitionResult {
  const card = cardOf(state);
  if (!verificationMethods(settings.model).includes(event.type)) {
    return reject('METHOD_NOT_SUPPORTED', `この機種では${ACTION_LABELS[event.type]}は使えません`);
  }
  if (event.type === 'pin' && event.on === 'device' && pinEntryOf(settings.model) !== 'device') {
    return reject(
      'METHOD_NOT_SUPPORTED',
      'この機種には暗証番号の入力装置がありません。暗証番号は資格確認端末の画面で入力してください',
      'on',
    );
  }
  switch (event.type) {
    case 'face': {
      if (!Number.isFinite(event.similarity) || event.similarity < 0 || event.similarity > 1) {
        return reject('INVALID_SIMILARITY', '類似度は0から1までの数値です', 'similarity');
      }
      if (event.similarity < settings.faceThreshold) {
        return ok({
          ...state,
          notice: {
            code: 'FACE_MISMATCH',
            message: `顔認証できませんでした（類似度 ${event.similarity}、基準 ${settings.faceThreshold}）。もう一度お試しいただくか、暗証番号を入力するか、職員にお声がけください`,
          },
        });
      }
      return authenticated(settings, state, 'face');
    }
    case 'pin': {
      const check = checkCardPin(card, event.pin);
      if (check.outcome === 'format') return reject(check.code, check.message, 'pin');
      const effects: ReaderEffect[] = [{ type: 'save-card', card: check.card }];
      if (check.outcome !== 'ok') {
        const outcome = { code: check.code, message: check.message };
        return check.outcome === 'locked'
          ? fail({ ...state, card: check.card }, outcome, effects)
          : ok({ ...state, card: check.card, notice: outcome }, effects);
      }
      if (card.failedPinAttempts === 0) return authenticated(settings, state, 'pin');
      // A correct PIN resets the card's counter, as the JPKI applet does.
      const result = authenticated(settings, { ...state, card: check.card }, 'pin');
      return result.ok ? ok(result.state, [...effects, ...result.effects]) : result;
    }
    case 'visual':
      if (!event.confirmed) {
        return fail(state, {
          code: 'VISUAL_CHECK_REJECTED',
          message: '職員の目視で、カードの顔写真とご本人を確認できませんでした',
        });
      }
      return authenticated(settings, state, 'visual');
  }
}

function authenticated(
  settings: ReaderSettings,
  state: ReaderState,
  method: VerificationMethod,
): TransitionResult {
  const next: ReaderState = { ...state, method, notice: null };
  if (consentScreensShown(settings).length === 0) return confirmNow(next, {});
  return ok({ ...next, step: 'consents' });
}

function answerConsents(
  settings: ReaderSettings,
  state: ReaderState,
  answers: ConsentAnswers,
): TransitionResult {
  const shown = consentScreensShown(settings);
  for (const key of Object.keys(answers)) {
    if (!shown.includes(key as ConsentScreen)) {
      return reject(
        'CONSENT_SCREEN_DISABLED',
        `${key} は、このカードリーダーが表示する同意画面ではありません`,
        key,
      );
    }
  }
  const missing = shown.find((screen) => typeof answers[screen] !== 'boolean');
  if (missing) {
    return reject(
      'CONSENT_ANSWER_MISSING',
      `「${CONSENT_QUESTIONS[missing]}」に回答してください`,
      missing,
    );
  }
  return confirmNow(state, answers);
}

function confirmNow(state: ReaderState, consents: ConsentAnswers): TransitionResult {
  const card = cardOf(state);
  if (!state.method) throw new Error('confirming without a verification method');
  return ok({ ...state, step: 'confirming', consents, notice: null }, [
    {
      type: 'confirm-card',
      certificateSerial: card.certificateSerial,
      method: state.method,
      consents,
    },
  ]);
}
