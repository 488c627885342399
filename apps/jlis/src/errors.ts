import type { ErrorStatusTable } from '@shikaku/platform/errors';

/** The J-LIS emulator's error codes. */
export const JLIS_ERROR_STATUS: ErrorStatusTable = {
  INVALID_MY_NUMBER: 400,
  INVALID_RESIDENT: 422,
  RESIDENT_EXISTS: 409,
  RESIDENT_NOT_FOUND: 404,
  CERTIFICATE_NOT_FOUND: 404,
  PUBLIC_KEY_UNAVAILABLE: 404,
  JLIS_UNAVAILABLE: 503,
};
