// What the citizen's pages say, in Japanese: a sentence per refusal, and the labels of codes the
// JSON API answers as values. The wording is ours, after JPKI's and マイナポータル's help pages
// (docs/citizen.md lists them); the real screens' exact sentences are not public text we copy.

/** A sign-in or session refusal, by its stable code (the JSON API's and the card's). */
export const SIGN_IN_MESSAGES: Record<string, string> = {
  // The card's own answers (the reader emulator, as the JPKI client software).
  INVALID_PIN_FORMAT: '暗証番号は数字4桁で入力してください。',
  PIN_MISMATCH: '暗証番号が違います。',
  CARD_LOCKED:
    '暗証番号を3回続けて間違えたため、利用者証明用電子証明書がロックされています。お住まいの市区町村の窓口で、暗証番号の初期化（ロックの解除）の手続きをしてください。',
  CARD_KEY_UNAVAILABLE: 'カードを読み取れませんでした。カードリーダーとカードを確認してください。',
  CARD_CLIENT_UNREACHABLE:
    'カードを読み取るソフトウェア（利用者クライアントソフト）に接続できません。起動しているか確認してください。',
  // eligibility-api's.
  CHALLENGE_INVALID:
    'ログインの手続きが無効になりました。お手数ですが、最初からやり直してください。',
  CHALLENGE_EXPIRED:
    'ログインの有効時間（5分）を過ぎました。お手数ですが、最初からやり直してください。',
  CHALLENGE_RATE_LIMITED:
    'ログインの手続きが短い時間に集中したため、受け付けられませんでした。しばらくしてから、もう一度お試しください。',
  SIGNATURE_INVALID:
    'カードの電子署名を確認できませんでした。正しいカードを読み取り、もう一度お試しください。',
  CARD_REVOKED:
    'このカードの利用者証明用電子証明書は失効しています。お住まいの市区町村の窓口で電子証明書の発行を受けてください。',
  CARD_EXPIRED:
    'このカードの利用者証明用電子証明書は有効期限が切れています。お住まいの市区町村の窓口で電子証明書を更新してください。',
  CARD_NOT_REGISTERED:
    'このマイナンバーカードは健康保険証としての利用登録（保険証利用登録）がされていません。医療機関・薬局のカードリーダーなどで利用登録をしてから、もう一度お試しください。',
  CERTIFICATE_STATUS_UNAVAILABLE:
    '電子証明書の有効性を確認できませんでした。しばらくしてから、もう一度お試しください。',
  CSRF_INVALID: '画面の有効期限が切れました。お手数ですが、もう一度お試しください。',
  VALIDATION_FAILED: 'カードの情報を読み取れませんでした。もう一度お試しください。',
  SESSION_REQUIRED: 'ログインしてください。',
  SESSION_ENDED:
    'ログアウトしたか、ログインの有効時間（30分）が過ぎました。もう一度ログインしてください。',
};

export const signInMessage = (code: string): string =>
  SIGN_IN_MESSAGES[code] ?? 'ログインできませんでした。しばらくしてから、もう一度お試しください。';

/** A wrong PIN's sentence with the tries left before the lock. */
export const pinMismatchMessage = (triesLeft: number | string): string =>
  `${SIGN_IN_MESSAGES.PIN_MISMATCH}あと${triesLeft}回間違えると、カードがロックされます。`;

/** Who looked, what for (the access log's kind). */
export const ACCESS_KINDS: Record<string, string> = {
  confirmation: '資格確認（保険証の記号・番号など）',
  'card-confirmation': '資格確認（マイナンバーカード）',
  bulk: '資格確認（一括照会）',
  'drug-information': '薬剤情報の閲覧',
  'checkup-information': '特定健診情報の閲覧',
};

/** What was shown (the access log's items). */
export const ACCESS_ITEMS: Record<string, string> = {
  qualification: '資格情報',
  'limit-application-certificate': '限度額適用認定証の情報',
  'drug-information': '薬剤情報',
  'checkup-information': '特定健診情報',
};

export const CONSENT_STATES: Record<string, string> = {
  valid: '同意あり',
  expired: '同意の期限切れ',
  'not-given': '同意なし',
  none: '—',
};

/** Practitioner roles, for an access log entry that names one (HPKI-like credentials). */
export const PRACTITIONER_ROLES: Record<string, string> = {
  doctor: '医師',
  dentist: '歯科医師',
  pharmacist: '薬剤師',
};

/** The consent items a reader asks (同意の記録). */
export const CONSENT_ITEMS = [
  ['specificHealthCheckups', '特定健診情報'],
  ['pharmacists', '薬剤情報'],
  ['diagnosis', '診療情報'],
  ['operations', '手術情報'],
  ['limitApplicationCertificate', '限度額適用認定証の情報'],
] as const;

export const DOCUMENT_KINDS: Record<string, string> = {
  'insurance-card': '健康保険証',
  'qualification-certificate': '資格確認書',
  none: 'なし（マイナ保険証で受診）',
};
