// How the load test counts an answer that is not a success: by HTTP status and the app's stable
// code, whichever body shape carries it. The spec search's refusals (401, 429, 503) are XmlMsg
// answers with the code in MessageHeader.ErrorCode (written here by core's own message builder,
// as eligibility-api writes them; openapi.json documents these statuses for the route).
import {
  buildErrorResponse,
  buildSearchResponse,
  oqsJson,
  REFERENCE_CLASSIFICATION,
  type ResponseContext,
} from '@shikaku/core/oqs-message';
import { SEARCH_RESPONSE } from '@shikaku/core/oqs-schema';
import { expect, it } from 'vitest';
import { restErrorType, specErrorType } from './eligibility-client.js';

const context: ResponseContext = {
  at: new Date('2025-06-01T01:00:00Z'),
  confirmationDate: '2025-06-01',
  medicalInstitutionCode: '0110113719',
  referenceClassification: REFERENCE_CLASSIFICATION.insuranceCardNumbers,
};
const specError = (code: string) =>
  oqsJson(SEARCH_RESPONSE, buildErrorResponse(context, code, 'refused'));

it('counts a spec refusal under its status and code, as the REST routes do', () => {
  expect(specErrorType({ status: 503, body: specError('OVERLOADED') })).toBe('http_503_OVERLOADED');
  expect(specErrorType({ status: 429, body: specError('RATE_LIMITED') })).toBe(
    'http_429_RATE_LIMITED',
  );
  expect(specErrorType({ status: 401, body: specError('UNAUTHENTICATED') })).toBe(
    'http_401_UNAUTHENTICATED',
  );
  expect(
    restErrorType({ status: 503, body: JSON.stringify({ code: 'OVERLOADED', message: 'x' }) }),
  ).toBe('http_503_OVERLOADED');
});

it('counts a message error answered 200 by its code, and a body without one by its status', () => {
  expect(specErrorType({ status: 200, body: specError('INVALID_INSURER_NUMBER') })).toBe(
    'oqs_INVALID_INSURER_NUMBER',
  );
  expect(
    specErrorType({
      status: 200,
      body: oqsJson(SEARCH_RESPONSE, buildSearchResponse(context, '1', [])),
    }),
  ).toBeNull();
  expect(specErrorType({ status: 502, body: '<html>Bad Gateway</html>' })).toBe('http_502');
  expect(specErrorType({ status: 200, body: 'not json' })).toBe('malformed_response');
});
