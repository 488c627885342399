import type { ErrorStatusTable } from '@shikaku/platform/errors';

/** The citizen side's codes (merged into the app's one table). */
export const CITIZEN_ERROR_STATUS: ErrorStatusTable = {
  CHALLENGE_INVALID: 401,
  CHALLENGE_EXPIRED: 401,
  SIGNATURE_INVALID: 401,
  SESSION_REQUIRED: 401,
  CHALLENGE_RATE_LIMITED: 429,
};
