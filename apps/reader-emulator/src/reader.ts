import type { Clock } from '@shikaku/core/clock';
import type { Logger } from '@shikaku/platform/logger';
import type { CardConfirmation } from './card-confirmation.js';
import type { CardStore } from './card-store.js';
import type { EligibilityClient } from './eligibility-client.js';
import {
  allowedEvents,
  consentScreensShown,
  IDLE,
  MAX_PIN_ATTEMPTS,
  type Outcome,
  type ReaderEffect,
  type ReaderEvent,
  type ReaderOutcomeCode,
  type ReaderSettings,
  type ReaderState,
  type RejectionCode,
  transition,
} from './reader-machine.js';
import { type PinEntry, pinEntryOf } from './reader-models.js';
import { type Screen, screenOf } from './screens.js';

/**
 * One reader at a facility: the state machine plus the effects it asks for (the card's PIN counter
 * is saved, eligibility-api is called). Events are applied one at a time, in order.
 */
export interface ReaderIdentity {
  id: string;
  institutionCode: string;
  settings: ReaderSettings;
}

export interface ConfirmationListener {
  (reader: ReaderIdentity, confirmation: CardConfirmation, at: Date): Promise<void>;
}

export type DispatchResult =
  | { ok: true; state: ReaderState }
  | { ok: false; code: RejectionCode; message: string; field?: string };

/** PIN a new emulated card gets when the driver names none. */
export const DEFAULT_CARD_PIN = '1234';

export class Reader implements ReaderIdentity {
  private current: ReaderState = IDLE;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly institutionCode: string,
    private currentSettings: ReaderSettings,
    private readonly deps: {
      cards: CardStore;
      eligibility: EligibilityClient;
      clock: Clock;
      onConfirmation?: ConfirmationListener;
      logger?: Logger;
    },
  ) {}

  get state(): ReaderState {
    return this.current;
  }

  get settings(): ReaderSettings {
    return this.currentSettings;
  }

  /**
   * The facility changes the face threshold or the consent screens it enables; only between
   * patients (no card on the reader), so a flow never changes rules half-way.
   */
  configure(change: {
    faceThreshold?: number;
    enabledConsents?: ReaderSettings['enabledConsents'];
  }): Promise<{ ok: true } | { ok: false; code: 'INVALID_STEP'; message: string }> {
    return this.serialized(async () => {
      if (this.current.step !== 'idle') {
        return {
          ok: false,
          code: 'INVALID_STEP',
          message: 'remove the card before changing settings',
        };
      }
      this.currentSettings = { ...this.currentSettings, ...change };
      return { ok: true };
    });
  }

  /**
   * Places a card: a card seen before keeps its PIN and counter; a new one gets `pin`. A card
   * whose certificate J-LIS does not know is refused here, before any screen; when the status
   * cannot be had (J-LIS or eligibility-api down) the flow goes on and the confirmation decides.
   */
  placeCard(certificateSerial: string, pin?: string): Promise<DispatchResult> {
    return this.serialized(async () => {
      if (this.current.step === 'idle') {
        const certificate = await this.deps.eligibility.certificateStatus(certificateSerial);
        if (!certificate.ok && certificate.code === 'NOT_FOUND') {
          this.deps.logger?.info({ reader: this.id }, 'card refused: unknown certificate');
          return {
            ok: false,
            code: 'CERTIFICATE_UNKNOWN',
            message: UNKNOWN_CERTIFICATE_TEXT,
            field: 'certificateSerial',
          };
        }
      }
      const known = await this.deps.cards.get(certificateSerial);
      const card = known ?? {
        certificateSerial,
        pin: pin ?? DEFAULT_CARD_PIN,
        failedPinAttempts: 0,
        locked: false,
      };
      if (!known) await this.deps.cards.save(card);
      return this.apply({ type: 'card-placed', card });
    });
  }

  dispatch(event: Exclude<ReaderEvent, { type: 'card-placed' }>): Promise<DispatchResult> {
    return this.serialized(() => this.apply(event));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async apply(event: ReaderEvent): Promise<DispatchResult> {
    const result = transition(this.settings, this.current, event);
    if (!result.ok) return result;
    this.current = result.state;
    for (const effect of result.effects) await this.perform(effect);
    return { ok: true, state: this.current };
  }

  private async perform(effect: ReaderEffect): Promise<void> {
    switch (effect.type) {
      case 'save-card':
        await this.deps.cards.save(effect.card);
        return;
      case 'register-card': {
        const answer = await this.deps.eligibility.registerCard(effect.certificateSerial);
        await this.apply(
          answer.ok
            ? { type: 'registration-succeeded' }
            : { type: 'registration-failed', ...outcomeOf(answer) },
        );
        return;
      }
      case 'confirm-card': {
        const answer = await this.deps.eligibility.confirmCard({
          certificateSerial: effect.certificateSerial,
          verificationMethod: effect.method,
          consents: effect.consents,
        });
        if (answer.ok) {
          try {
            await this.deps.onConfirmation?.(this, answer.value, this.deps.clock.now());
          } catch (error) {
            // The confirmation happened; a failed file write must not leave the reader stuck.
            this.deps.logger?.error({ err: error, reader: this.id }, 'confirmation not written');
          }
          await this.apply({ type: 'confirmation-succeeded', result: answer.value });
        } else {
          await this.apply({ type: 'confirmation-failed', ...outcomeOf(answer) });
        }
        return;
      }
    }
  }
}

/** What the reader shows for a card whose certificate J-LIS does not know. */
export const UNKNOWN_CERTIFICATE_TEXT =
  'このカードの電子証明書を確認できませんでした。カードを確認して、もう一度置いてください';

/** eligibility-api's codes → what the reader shows. */
const UPSTREAM_OUTCOMES: Readonly<Record<string, ReaderOutcomeCode>> = {
  CARD_NOT_REGISTERED: 'CARD_NOT_REGISTERED',
  CARD_REVOKED: 'CERTIFICATE_REVOKED',
  CARD_EXPIRED: 'CERTIFICATE_EXPIRED',
  CARD_LOCKED: 'CARD_LOCKED',
  PERSON_NOT_FOUND: 'PERSON_NOT_FOUND',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
};

/** What the reader shows for each outcome eligibility-api can end a flow with. */
const UPSTREAM_TEXT: Readonly<Record<ReaderOutcomeCode, string>> = {
  CARD_NOT_REGISTERED: 'このマイナンバーカードは、健康保険証として利用登録されていません',
  CERTIFICATE_REVOKED:
    'このカードの電子証明書は失効しています。お住まいの市区町村の窓口にお問い合わせください',
  CERTIFICATE_EXPIRED:
    'このカードの電子証明書は有効期限が切れています。お住まいの市区町村の窓口で更新してください',
  CARD_LOCKED: 'このカードはロックされています。お住まいの市区町村の窓口でロックを解除してください',
  PERSON_NOT_FOUND: '資格情報を確認できませんでした。受付にお声がけください',
  UPSTREAM_UNAVAILABLE: '資格確認システムに接続できませんでした。受付にお声がけください',
  CONFIRMATION_FAILED: '資格確認ができませんでした。受付にお声がけください',
  FACE_MISMATCH: '顔認証できませんでした',
  PIN_MISMATCH: '暗証番号が違います',
  VISUAL_CHECK_REJECTED: '目視で確認できませんでした',
  REGISTRATION_DECLINED: '利用登録をしませんでした',
};

/**
 * eligibility-api's answer → what the reader shows: Japanese for the patient and staff, with
 * eligibility-api's own code in brackets where the reader shows another one. Its English message
 * goes to the log, not the screen.
 */
export function outcomeOf(answer: { code: string; message: string }): Outcome {
  const code = UPSTREAM_OUTCOMES[answer.code] ?? 'CONFIRMATION_FAILED';
  const text = UPSTREAM_TEXT[code];
  return { code, message: code === answer.code ? text : `${text}（${answer.code}）` };
}

/** The reader as the HTTP API, the terminal UI and the scenarios show it. */
export interface ReaderView {
  id: string;
  institutionCode: string;
  model: { id: string; maker: string; model: string };
  faceThreshold: number;
  consentScreens: string[];
  step: ReaderState['step'];
  allowedActions: string[];
  card: { certificateSerial: string; pinTriesLeft: number; locked: boolean } | null;
  method: string | null;
  /** Where this model takes a PIN: its own pad, or the terminal's screen. */
  pinEntry: PinEntry;
  /** What the reader's display shows now, in Japanese. */
  screen: Screen;
  notice: Outcome | null;
  failure: Outcome | null;
  result: CardConfirmation | null;
}

export function viewOf(reader: Reader): ReaderView {
  const { settings, state } = reader;
  return {
    id: reader.id,
    institutionCode: reader.institutionCode,
    model: { id: settings.model.id, maker: settings.model.maker, model: settings.model.model },
    faceThreshold: settings.faceThreshold,
    consentScreens: consentScreensShown(settings),
    step: state.step,
    allowedActions: allowedEvents(settings, state).filter((e) => !INTERNAL_EVENTS.has(e)),
    card: state.card
      ? {
          certificateSerial: state.card.certificateSerial,
          pinTriesLeft: Math.max(MAX_PIN_ATTEMPTS - state.card.failedPinAttempts, 0),
          locked: state.card.locked,
        }
      : null,
    method: state.method,
    pinEntry: pinEntryOf(settings.model),
    screen: screenOf(settings, state),
    notice: state.notice,
    failure: state.failure,
    result: state.result,
  };
}

// Answers from eligibility-api are events of the machine, not actions a person takes.
const INTERNAL_EVENTS = new Set([
  'confirmation-succeeded',
  'confirmation-failed',
  'registration-succeeded',
  'registration-failed',
]);
