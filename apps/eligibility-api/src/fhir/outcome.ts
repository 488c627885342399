// Errors as OperationOutcome: the app's stable code in issue.details (our code system), the
// message as its text, the element at fault as issue.expression, and FHIR's issue type for the
// kind of failure. The HTTP status comes from the app's one error table.
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { SHIKAKU } from './systems.js';

const ISSUE_TYPE: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-long',
  415: 'not-supported',
  422: 'processing',
  423: 'lock-error',
  429: 'throttled',
  503: 'transient',
};

export function operationOutcome(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): OperationOutcome {
  const field = typeof details.field === 'string' ? details.field : undefined;
  const reason = typeof details.reason === 'string' ? details.reason : undefined;
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: status >= 500 && status !== 503 ? 'fatal' : 'error',
        code: ISSUE_TYPE[status] ?? (status >= 500 ? 'exception' : 'invalid'),
        details: {
          coding: [{ system: SHIKAKU.errorCodeSystem, code }],
          text: reason ? `${message} (${reason})` : message,
        },
        ...(field ? { expression: [field] } : {}),
      },
    ],
  };
}
