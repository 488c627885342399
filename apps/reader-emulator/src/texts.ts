// The Japanese words the reader shows: step and action names, the consent questions. No imports
// from the machine, which uses them in its messages.
import type { ConsentScreen } from './reader-models.js';
import type { ReaderStep } from './reader-machine.js';

export const STEP_LABELS: Readonly<Record<ReaderStep, string>> = {
  idle: '待機中',
  authenticating: '本人確認',
  consents: '同意の確認',
  confirming: '資格確認中',
  'registration-offer': '利用登録の確認',
  registering: '利用登録中',
  result: '受付完了',
  failed: '確認できませんでした',
};

export const ACTION_LABELS: Readonly<Record<string, string>> = {
  'card-placed': 'カードを置く',
  'card-removed': 'カードを取る',
  face: '顔認証',
  pin: '暗証番号の入力',
  visual: '目視確認',
  consents: '同意の回答',
  registration: '利用登録の回答',
};

/** Each consent screen's question, as the patient reads it. */
export const CONSENT_QUESTIONS: Readonly<Record<ConsentScreen, string>> = {
  specificHealthCheckups: '過去の健診情報を当機関に提供することに同意しますか',
  pharmacists: '過去のお薬の情報を当機関に提供することに同意しますか',
  diagnosis: '過去の診療情報を当機関に提供することに同意しますか',
  operations: '過去の手術の情報を当機関に提供することに同意しますか',
  limitApplicationCertificate: '限度額適用認定証等の情報を当機関に提供することに同意しますか',
};

/** How many PIN tries are left, as a patient is told. */
export function pinTriesText(left: number): string {
  return `あと${left}回間違えると、カードがロックされます`;
}
