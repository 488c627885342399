import {
  READER_MODELS as CORE_READER_MODELS,
  type ReaderModelId,
} from '@shikaku/core/card-readers';

/**
 * The four face-authentication card reader models offered free to institutions in 2021
 * (`@shikaku/core/card-readers`), with the emulator's configuration of each: what its screens can
 * do.
 */
export type ConsentScreen =
  | 'specificHealthCheckups'
  | 'pharmacists'
  | 'diagnosis'
  | 'operations'
  | 'limitApplicationCertificate';

export const CONSENT_SCREENS: readonly ConsentScreen[] = [
  'specificHealthCheckups',
  'pharmacists',
  'diagnosis',
  'operations',
  'limitApplicationCertificate',
];

export type VerificationMethod = 'face' | 'pin' | 'visual';

export interface ReaderModel {
  id: string;
  maker: string;
  model: string;
  /** Face matching against the card's photo (all four models). */
  faceAuth: boolean;
  /** A PIN pad on the device for the 4-digit 利用者証明用 PIN. */
  pinPad: boolean;
  /** Staff may confirm identity by looking at the card (目視確認) from the terminal. */
  visualCheck: boolean;
  /** Consent screens the device can show. */
  consentScreens: readonly ConsentScreen[];
  /** Default similarity a face must reach (0..1); a facility may configure its own. */
  defaultFaceThreshold: number;
}

type Capabilities = Omit<ReaderModel, 'id' | 'maker' | 'model'>;

const FULL: Capabilities = {
  faceAuth: true,
  pinPad: true,
  visualCheck: true,
  consentScreens: CONSENT_SCREENS,
  defaultFaceThreshold: 0.8,
};

/** What each of core's four models can do on the emulator (core holds makers and products). */
const CAPABILITIES: Record<ReaderModelId, Capabilities> = {
  panasonic: FULL,
  fujitsu: FULL,
  canon: FULL,
  // The compact unit has no PIN pad of its own: the PIN is typed on the terminal's screen. No maker
  // spec sheet was found to confirm this per model (docs/reader-emulator.md): a stated assumption.
  almex: { ...FULL, pinPad: false },
};

export const READER_MODELS: readonly ReaderModel[] = CORE_READER_MODELS.map((m) => ({
  id: m.id,
  maker: m.maker,
  model: m.product,
  ...CAPABILITIES[m.id],
}));

export function findReaderModel(id: string): ReaderModel | undefined {
  return READER_MODELS.find((model) => model.id === id);
}

/** Where a PIN is typed: on the reader's own pad, or (a model without one) the terminal's screen. */
export type PinEntry = 'device' | 'terminal';

export function pinEntryOf(model: ReaderModel): PinEntry {
  return model.pinPad ? 'device' : 'terminal';
}

/**
 * Methods a reader of this model offers. A PIN is always possible, but a model without a pad does
 * not take it on the device: the terminal's screen does (pinEntryOf).
 */
export function verificationMethods(model: ReaderModel): VerificationMethod[] {
  return [
    ...(model.faceAuth ? (['face'] as const) : []),
    'pin',
    ...(model.visualCheck ? (['visual'] as const) : []),
  ];
}
