// 一括照会: a submitted list is evaluated item by item with the same evaluation as a single
// confirmation, and stored as an OQSmuquc02res message (core's schema): one BulkConfirmUnit per
// item with the search keys it answers and every qualification that matched.
import { randomBytes } from 'node:crypto';
import {
  type BulkConfirmUnit,
  buildBulkResult,
  echoOf,
  isoToCompactDate,
  PROCESSING_RESULT_STATUS,
  qualificationResult,
} from '@shikaku/core/oqs-message';
import { INSTANCE_ID } from '@shikaku/db/claims';
import type { AccessLogEntry } from '@shikaku/db/eligibility/access-log';
import {
  claimAcceptedBulkInquiries,
  completeBulkInquiry,
  failBulkInquiry,
  findBulkInquiry,
} from '@shikaku/db/eligibility/bulk-inquiries';
import { AppError } from '@shikaku/platform/errors';
import {
  type CardNumbersQuery,
  confirmByCardNumbers,
  validateCardNumbers,
  viewQualification,
} from './confirm.js';
import type { Services } from './services.js';

export interface BulkItem {
  insurerNumber: string;
  insuredCardSymbol?: string | null;
  insuredIdentificationNumber: string;
  insuredBranchNumber?: string;
  birthDate: string;
  arbitraryIdentifier?: string;
}

export function newReceptionNumber(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export async function processBulkInquiry(
  services: Services,
  receptionNumber: string,
  institutionCode: string,
): Promise<void> {
  const inquiry = await findBulkInquiry(services.handle, receptionNumber, institutionCode);
  if (!inquiry || inquiry.status !== 'accepted') return;
  const at = services.clock.now();
  const on = inquiry.confirmationDate;
  const units: BulkConfirmUnit[] = [];
  const log: AccessLogEntry[] = [];
  for (const raw of inquiry.items as BulkItem[]) {
    const base = {
      QualificationConfirmSearchInfo: echoOf(
        {
          InsurerNumber: raw.insurerNumber,
          InsuredCardSymbol: raw.insuredCardSymbol ?? undefined,
          InsuredIdentificationNumber: raw.insuredIdentificationNumber,
          InsuredBranchNumber: raw.insuredBranchNumber,
          Birthdate: isoToCompactDate(raw.birthDate),
          ArbitraryIdentifier: raw.arbitraryIdentifier,
        },
        false,
      ),
    };
    try {
      const query: CardNumbersQuery = validateCardNumbers({
        insurerNumber: raw.insurerNumber,
        insuredCardSymbol: raw.insuredCardSymbol ?? null,
        insuredIdentificationNumber: raw.insuredIdentificationNumber,
        insuredBranchNumber: raw.insuredBranchNumber || undefined,
        birthDate: raw.birthDate,
      });
      const confirmation = await confirmByCardNumbers(services.handle, query, on);
      units.push({
        ...base,
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.ok,
        QualificationValidity: confirmation.validity,
        ResultOfQualificationConfirmation: confirmation.records.map((q) =>
          qualificationResult(viewQualification(q, on, false), null, undefined),
        ),
      });
      log.push({
        at,
        institutionCode,
        personRef: confirmation.personRef,
        kind: 'bulk',
        items: ['qualification'],
        consentState: 'none',
        qualificationValidity: confirmation.validity,
      });
    } catch (error) {
      // An unavailable database is not the item's fault: the inquiry stays accepted and is
      // answered later. Anything else about this item is its own error unit.
      if (isUnavailable(error)) throw error;
      const { code, message } =
        error instanceof AppError
          ? error
          : { code: ITEM_FAILED, message: 'the item could not be answered' };
      units.push({
        ...base,
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.error,
        ProcessingResultCode: code,
        ProcessingResultMessage: message,
      });
    }
  }
  const result = buildBulkResult(
    { at, receptionNumber, medicalInstitutionCode: institutionCode, confirmationDate: on },
    units,
  );
  // The access log is written with the result, in one transaction and once: an instance that took
  // the inquiry over (this one's lease ran out) and finished first leaves this one nothing to do.
  await completeBulkInquiry(services.handle, receptionNumber, result, services.clock.now(), log);
}

/** The ProcessingResultCode of an item that failed for a reason no rule names. */
export const ITEM_FAILED = 'BULK_ITEM_FAILED';
/** Why a whole inquiry could not be answered (its result says so; /result answers 422). */
export const INQUIRY_FAILED = 'BULK_INQUIRY_FAILED';

/**
 * The database or a connection is unavailable (SQLSTATE class 08 connection, 53 resources,
 * 57 operator intervention, or a Node system error such as ECONNREFUSED): worth trying again.
 */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^(08|53|57)/.test(code) || /^E[A-Z]+$/.test(code);
}

/**
 * Answers one inquiry and never lets it stick: an inquiry that cannot be answered for any reason
 * but an unavailable database is settled as failed with the reason, so its poll says so and no
 * later inquiry waits behind it. Answers false when it was left to try again later.
 */
export async function settleBulkInquiry(
  services: Services,
  receptionNumber: string,
  institutionCode: string,
): Promise<boolean> {
  try {
    await processBulkInquiry(services, receptionNumber, institutionCode);
    return true;
  } catch (error) {
    if (isUnavailable(error)) return false;
    await failBulkInquiry(
      services.handle,
      receptionNumber,
      { code: INQUIRY_FAILED, message: 'the inquiry could not be answered; submit it again' },
      services.clock.now(),
    );
    throw error;
  }
}

/**
 * Picks up inquiries no instance holds (accepted before a restart, or claimed by an instance that
 * was killed and whose lease ran out), oldest first. One that fails is settled (or left for later
 * when the database is unavailable) and the next goes on.
 */
export async function processPendingBulkInquiries(
  services: Services,
  onError: (error: unknown, receptionNumber: string) => void = () => {},
): Promise<void> {
  const pending = await claimAcceptedBulkInquiries(services.handle, {
    now: services.clock.now(),
    limit: 100,
    holder: INSTANCE_ID,
  });
  for (const { receptionNumber, institutionCode } of pending) {
    try {
      await settleBulkInquiry(services, receptionNumber, institutionCode);
    } catch (error) {
      onError(error, receptionNumber);
    }
  }
}

/**
 * Looks for inquiries left by a killed instance every `intervalMs` (and once at start); a run never
 * overlaps the previous one. stop() waits for a run in progress.
 */
export function startBulkInquirySweeper(
  services: Services,
  intervalMs: number,
  onError: (error: unknown, receptionNumber?: string) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= processPendingBulkInquiries(services, onError)
      .catch((error: unknown) => onError(error))
      .finally(() => (running = undefined));
  };
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
  timer?.unref();
  tick();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
