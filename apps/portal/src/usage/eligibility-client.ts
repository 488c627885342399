// How the portal asks eligibility-api for an institution's credentials (docs/contracts.md). An
// interface, so tests and a stack without eligibility-api pass their own.
import { AppError } from '@shikaku/platform/errors';

export interface IssuedCredential {
  clientId: string;
  clientSecret: string;
}

export interface EligibilityCredentialsClient {
  registerInstitution(institution: {
    institutionCode: string;
    facilityType: string;
    name: string;
  }): Promise<void>;
  issueCredential(institutionCode: string): Promise<IssuedCredential>;
  revokeCredential(institutionCode: string, clientId: string): Promise<void>;
}

/** eligibility-api names a dental clinic 'dental' (its internal endpoint's enum). */
const WIRE_FACILITY_TYPE: Record<string, string> = { 'dental-clinic': 'dental' };

/** A portal facility type as eligibility-api names it. */
export function eligibilityFacilityType(facilityType: string): string {
  return WIRE_FACILITY_TYPE[facilityType] ?? facilityType;
}

/** Over HTTP with the stack's service key. */
export function httpEligibilityClient(
  baseUrl: string,
  serviceKey: string,
  fetchImpl: typeof fetch = fetch,
): EligibilityCredentialsClient {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, baseUrl), {
        method,
        headers: {
          'x-service-key': serviceKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `eligibility-api unreachable: ${String(cause)}`);
    }
    if (!response.ok && response.status !== 409) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `eligibility-api answered ${response.status}`);
    }
    return response;
  };
  return {
    async registerInstitution(institution) {
      // 409: already registered (a second approval after a revocation), which is fine.
      await call('POST', '/v1/internal/institutions', {
        ...institution,
        facilityType: eligibilityFacilityType(institution.facilityType),
      });
    },
    async issueCredential(institutionCode) {
      const response = await call(
        'POST',
        `/v1/internal/institutions/${encodeURIComponent(institutionCode)}/credentials`,
      );
      const body = (await response.json()) as Partial<IssuedCredential>;
      if (typeof body.clientId !== 'string' || typeof body.clientSecret !== 'string') {
        throw new AppError('UPSTREAM_UNAVAILABLE', 'eligibility-api gave no credential');
      }
      return { clientId: body.clientId, clientSecret: body.clientSecret };
    },
    async revokeCredential(institutionCode, clientId) {
      await call(
        'DELETE',
        `/v1/internal/institutions/${encodeURIComponent(institutionCode)}/credentials/${encodeURIComponent(clientId)}`,
      );
    },
  };
}

/** When no eligibility-api is configured: approvals fail visibly instead of inventing credentials. */
export const unavailableEligibilityClient: EligibilityCredentialsClient = {
  registerInstitution: () => Promise.reject(notConfigured()),
  issueCredential: () => Promise.reject(notConfigured()),
  revokeCredential: () => Promise.reject(notConfigured()),
};

function notConfigured(): AppError {
  return new AppError(
    'UPSTREAM_UNAVAILABLE',
    'no eligibility-api is configured (ELIGIBILITY_API_URL)',
  );
}
