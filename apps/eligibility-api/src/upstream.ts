import type { QualificationOutboxEvent } from '@shikaku/core/qualification-event';
import { AppError } from '@shikaku/platform/errors';

export type CertificateStatus = 'valid' | 'revoked' | 'expired' | 'locked' | 'unknown';

/** What this app asks other apps, over HTTP (docs/contracts.md). Tests pass fakes. */
export interface Upstreams {
  /** insurer-api: who holds this certificate (personRef only; never a My Number). */
  resolveCertificate(certificateSerial: string): Promise<{ personRef: string } | undefined>;
  /** J-LIS: the certificate's status. */
  certificateStatus(certificateSerial: string): Promise<CertificateStatus>;
  /** insurer-api: a page of the qualification outbox, withheld events included. */
  fetchOutbox(
    after: number,
    limit: number,
  ): Promise<{ events: QualificationOutboxEvent[]; next: number }>;
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  } catch {
    throw new AppError('UPSTREAM_UNAVAILABLE', `could not reach ${new URL(url).host}`);
  }
}

function unavailable(what: string): never {
  throw new AppError('UPSTREAM_UNAVAILABLE', `${what} is not configured`);
}

export function httpUpstreams(options: {
  insurerApiUrl: string | undefined;
  jlisUrl: string | undefined;
  serviceKey: string;
}): Upstreams {
  const headers = { 'x-service-key': options.serviceKey, 'content-type': 'application/json' };
  return {
    async resolveCertificate(certificateSerial) {
      if (!options.insurerApiUrl) unavailable('insurer-api');
      const response = await call(`${options.insurerApiUrl}/v1/internal/certificate-resolutions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ certificateSerial }),
      });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new AppError('UPSTREAM_UNAVAILABLE', 'insurer-api answered an error');
      const body = (await response.json()) as { personRef?: unknown };
      if (typeof body.personRef !== 'string')
        throw new AppError('UPSTREAM_UNAVAILABLE', 'insurer-api answered no personRef');
      return { personRef: body.personRef };
    },
    async certificateStatus(certificateSerial) {
      if (!options.jlisUrl) unavailable('jlis');
      const response = await call(
        `${options.jlisUrl}/v1/certificates/${encodeURIComponent(certificateSerial)}/status`,
        { headers },
      );
      if (response.status === 404) return 'unknown';
      if (!response.ok) throw new AppError('UPSTREAM_UNAVAILABLE', 'jlis answered an error');
      const body = (await response.json()) as { status?: unknown };
      const status = body.status;
      return status === 'valid' ||
        status === 'revoked' ||
        status === 'expired' ||
        status === 'locked'
        ? status
        : 'unknown';
    },
    async fetchOutbox(after, limit) {
      if (!options.insurerApiUrl) unavailable('insurer-api');
      const response = await call(
        `${options.insurerApiUrl}/v1/outbox/qualifications?after=${after}&limit=${limit}&include=withheld`,
        { headers },
      );
      if (!response.ok)
        throw new AppError('UPSTREAM_UNAVAILABLE', 'insurer-api outbox answered an error');
      return (await response.json()) as { events: QualificationOutboxEvent[]; next: number };
    },
  };
}
