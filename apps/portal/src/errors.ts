import { AppError, type ErrorStatusTable } from '@shikaku/platform/errors';

/** The portal's one table from stable error codes to HTTP status. */
export const PORTAL_ERROR_STATUS: ErrorStatusTable = {
  VALIDATION_FAILED: 400,
  INVALID_INSTITUTION_CODE: 400,
  UNAUTHENTICATED: 401,
  CSRF_INVALID: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** An operator decision on an application someone already approved or rejected. */
  ALREADY_DECIDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPSTREAM_UNAVAILABLE: 503,
};

/** Japanese messages for the error page. */
export const PORTAL_ERROR_TEXT: Record<string, string> = {
  UNAUTHENTICATED: 'ログインしてください。',
  CSRF_INVALID:
    'フォームの有効期限が切れました。ページを読み込み直してから、もう一度送信してください。',
  FORBIDDEN: 'このページを表示する権限がありません。',
  NOT_FOUND: 'ページが見つかりません。',
  CONFLICT: 'この申請はすでに処理されています。',
  ALREADY_DECIDED: 'この申請はすでに承認または却下されています。',
  PAYLOAD_TOO_LARGE: 'ファイルが大きすぎます。',
  UNSUPPORTED_MEDIA_TYPE: 'この形式のファイルは受け付けていません。',
  UPSTREAM_UNAVAILABLE:
    '資格確認システムに接続できません。しばらくしてからもう一度お試しください。',
  VALIDATION_FAILED: '入力内容に誤りがあります。',
  INTERNAL: 'システムエラーが発生しました。',
};

/**
 * A decision on a row that is no longer undecided (seen before deciding, or the decision's
 * conditional update found it taken): when the row already holds this same decision (a double
 * click, a second tab, a retry) the caller answers as the decision itself would; any other is
 * ALREADY_DECIDED. One rule for every decision route, with the same `same` before and after.
 */
export function sameDecisionOrRefuse<T>(
  row: T | undefined,
  same: (row: T) => boolean,
  message: string,
): void {
  if (row === undefined || !same(row)) throw new AppError('ALREADY_DECIDED', message);
}
