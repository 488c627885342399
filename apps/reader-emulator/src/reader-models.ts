/**
 * The four face-authentication card reader models offered free to institutions in 2021, as the
 * emulator's configuration: what each model's screens can do. The maker / model strings are the
 * ones an institution enters in the portal's "maker / product (model number)" field.
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

const ALL_SCREENS = CONSENT_SCREENS;

export const READER_MODELS: readonly ReaderModel[] = [
  {
    id: 'panasonic-xc-stfr1j-mn',
    maker: 'パナソニック システムソリューションズ ジャパン',
    model: 'XC-STFR1J-MN',
    faceAuth: true,
    pinPad: true,
    visualCheck: true,
    consentScreens: ALL_SCREENS,
    defaultFaceThreshold: 0.8,
  },
  {
    id: 'fujitsu-caora',
    maker: '富士通Japan',
    model: 'Caora',
    faceAuth: true,
    pinPad: true,
    visualCheck: true,
    consentScreens: ALL_SCREENS,
    defaultFaceThreshold: 0.8,
  },
  {
    id: 'canon-saqsa-vision-tablet',
    maker: 'キヤノンマーケティングジャパン',
    model: 'Saqsa Vision Tablet',
    faceAuth: true,
    pinPad: true,
    visualCheck: true,
    consentScreens: ALL_SCREENS,
    defaultFaceThreshold: 0.8,
  },
  {
    id: 'armex-myna-touch',
    maker: 'アルメックス',
    model: 'マイナタッチ',
    faceAuth: true,
    // The compact unit takes the PIN on the terminal's touch screen, not on a pad of its own.
    pinPad: false,
    visualCheck: true,
    consentScreens: ALL_SCREENS,
    defaultFaceThreshold: 0.8,
  },
];

export function findReaderModel(id: string): ReaderModel | undefined {
  return READER_MODELS.find((model) => model.id === id);
}

/** Methods a reader of this model offers. PIN entry is always possible (pad or touch screen). */
export function verificationMethods(model: ReaderModel): VerificationMethod[] {
  return [
    ...(model.faceAuth ? (['face'] as const) : []),
    'pin',
    ...(model.visualCheck ? (['visual'] as const) : []),
  ];
}
