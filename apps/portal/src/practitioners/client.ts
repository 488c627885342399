// How the portal manages an institution's practitioners at eligibility-api (its internal API, the
// service key), for the institution's signed-in admin. docs/practitioners.md has the contract.
import { AppError } from '@shikaku/platform/errors';
import type { PortalConfig } from '../config.js';

export interface PractitionerRow {
  practitionerId: string;
  name: string;
  role: string;
  certificateSerial: string;
  /** SHA-256 of the registered key's SubjectPublicKeyInfo DER, Base64 (publicKeyFingerprint). */
  publicKeyFingerprint: string;
  validFrom: string;
  validTo: string;
  revokedAt: string | null;
}

export interface PractitionerRegistration {
  name: string;
  role: string;
  certificateSerial: string;
  publicKey: string;
  validFrom: string;
  validTo: string;
}

/** eligibility-api refused the registration: its stable code and the field it names. */
export type Refusal = { code: string; field?: string; reason?: string };

export function practitionersClient(config: PortalConfig, fetchImpl: typeof fetch = fetch) {
  const call = async (method: string, path: string, body?: unknown) => {
    if (!config.eligibilityApiUrl || !config.serviceKey)
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        'no eligibility-api is configured (ELIGIBILITY_API_URL)',
      );
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, config.eligibilityApiUrl), {
        method,
        headers: {
          'x-service-key': config.serviceKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `eligibility-api unreachable: ${String(cause)}`);
    }
    if (response.status >= 500)
      throw new AppError('UPSTREAM_UNAVAILABLE', `eligibility-api answered ${response.status}`);
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const base = (code: string) =>
    `/v1/internal/institutions/${encodeURIComponent(code)}/practitioners`;
  return {
    async list(institutionCode: string): Promise<PractitionerRow[]> {
      const { status, body } = await call('GET', base(institutionCode));
      if (status !== 200) return [];
      return (body as { practitioners: PractitionerRow[] }).practitioners;
    },
    /** undefined when registered; otherwise what eligibility-api refused. */
    async register(
      institutionCode: string,
      registration: PractitionerRegistration,
    ): Promise<Refusal | undefined> {
      const { status, body } = await call('POST', base(institutionCode), registration);
      return status === 201 ? undefined : (body as Refusal);
    },
    async revoke(institutionCode: string, practitionerId: string): Promise<boolean> {
      const { status } = await call(
        'DELETE',
        `${base(institutionCode)}/${encodeURIComponent(practitionerId)}`,
      );
      return status === 204;
    },
  };
}
