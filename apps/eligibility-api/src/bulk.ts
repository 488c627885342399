// 一括照会: a submitted list is evaluated item by item with the same evaluation as a single
// confirmation, and stored as an OQSmuquc02res message (core's schema): one BulkConfirmUnit per
// item with the search keys it answers and every qualification that matched.
import { randomBytes } from 'node:crypto';
import {
  type BulkConfirmUnit,
  buildBulkResult,
  isoToCompactDate,
  PROCESSING_RESULT_STATUS,
  qualificationResult,
} from '@shikaku/core/oqs-message';
import { type AccessLogEntry, insertEntries } from '@shikaku/db/eligibility/access-log';
import {
  completeBulkInquiry,
  findBulkInquiry,
  listAcceptedBulkInquiries,
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
      QualificationConfirmSearchInfo: {
        InsurerNumber: raw.insurerNumber,
        InsuredCardSymbol: raw.insuredCardSymbol ?? undefined,
        InsuredIdentificationNumber: raw.insuredIdentificationNumber,
        InsuredBranchNumber: raw.insuredBranchNumber,
        Birthdate: isoToCompactDate(raw.birthDate),
        ArbitraryIdentifier: raw.arbitraryIdentifier,
      },
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
      if (!(error instanceof AppError)) throw error;
      units.push({
        ...base,
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.error,
        ProcessingResultCode: error.code,
        ProcessingResultMessage: error.message,
      });
    }
  }
  // The access log is written before the result becomes readable.
  for (let i = 0; i < log.length; i += 1000)
    await insertEntries(services.handle, log.slice(i, i + 1000));
  const result = buildBulkResult(
    { at, receptionNumber, medicalInstitutionCode: institutionCode, confirmationDate: on },
    units,
  );
  await completeBulkInquiry(services.handle, receptionNumber, result, services.clock.now());
}

/** Picks up inquiries accepted before a restart. */
export async function processPendingBulkInquiries(services: Services): Promise<void> {
  const pending = await listAcceptedBulkInquiries(services.handle, 100);
  for (const { receptionNumber, institutionCode } of pending)
    await processBulkInquiry(services, receptionNumber, institutionCode);
}
