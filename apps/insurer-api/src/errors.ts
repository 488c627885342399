import type { ErrorStatusTable } from '@shikaku/platform/errors';

/** The intermediate server's error codes → HTTP status. Field-level codes come from core. */
export const INSURER_API_ERROR_STATUS: ErrorStatusTable = {
  INVALID_MY_NUMBER: 422,
  INVALID_INSURER_NUMBER: 422,
  INVALID_INSURED_CARD: 422,
  INVALID_DATE: 422,
  INVALID_KANA_NAME: 422,
  MY_NUMBER_IN_FREE_TEXT: 422,
  MISSING_FIELD: 422,
  INVALID_FIELD: 422,
  INVALID_CODE: 422,
  INSURER_MISMATCH: 403,
  REGISTRATION_NOT_FOUND: 404,
  NOTIFICATION_NOT_FOUND: 404,
  PERSON_NOT_FOUND: 404,
  EMPTY_FILE: 422,
  JLIS_UNAVAILABLE: 503,
};
