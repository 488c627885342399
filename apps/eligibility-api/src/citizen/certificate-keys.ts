import { AppError } from '@shikaku/platform/errors';
import type { CertificateStatus } from '../upstream.js';

/** What J-LIS holds of a user certificate for sign-in: its status and public key (never a My Number). */
export interface CertificateKey {
  status: CertificateStatus;
  /** SubjectPublicKeyInfo, PEM. */
  publicKey: string;
}

/** J-LIS's certificate directory, asked fresh at every sign-in (no cached answer signs anyone in). */
export interface CertificateKeyDirectory {
  /** Undefined when J-LIS knows no such certificate; throws UPSTREAM_UNAVAILABLE when unreachable. */
  lookup(certificateSerial: string): Promise<CertificateKey | undefined>;
}

export function httpCertificateKeys(options: {
  jlisUrl: string | undefined;
  serviceKey: string;
}): CertificateKeyDirectory {
  return {
    async lookup(certificateSerial) {
      if (!options.jlisUrl) throw new AppError('UPSTREAM_UNAVAILABLE', 'jlis is not configured');
      let response: Response;
      try {
        response = await fetch(
          `${options.jlisUrl}/v1/certificates/${encodeURIComponent(certificateSerial)}/public-key`,
          {
            headers: { 'x-service-key': options.serviceKey },
            signal: AbortSignal.timeout(5000),
          },
        );
      } catch {
        throw new AppError('UPSTREAM_UNAVAILABLE', 'could not reach jlis');
      }
      const body = (await response.json().catch(() => ({}))) as {
        code?: unknown;
        status?: unknown;
        publicKey?: unknown;
      };
      if (response.status === 404 && body.code === 'CERTIFICATE_NOT_FOUND') return undefined;
      if (!response.ok || typeof body.publicKey !== 'string')
        throw new AppError('UPSTREAM_UNAVAILABLE', 'jlis answered no public key');
      const status = body.status;
      return {
        status:
          status === 'valid' || status === 'revoked' || status === 'expired' ? status : 'unknown',
        publicKey: body.publicKey,
      };
    },
  };
}
