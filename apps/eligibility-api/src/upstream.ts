import http from 'node:http';
import https from 'node:https';
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

/** An upstream's answer, read whole (the contracts' bodies are small JSON). */
interface UpstreamResponse {
  status: number;
  ok: boolean;
  json(): unknown;
}

interface UpstreamRequest {
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

const TIMEOUT_MS = 5000;

// Kept-alive connections per peer: a card confirmation asks J-LIS every time, and node:http over
// an Agent costs measurably less CPU than global fetch (docs/benchmarks.md, issue 19).
const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

/**
 * One HTTP exchange; any failure to get a whole answer within TIMEOUT_MS (refused, reset, slow) is
 * UPSTREAM_UNAVAILABLE. A GET that failed on a kept-alive socket the peer had just closed is sent
 * once more on a new one (Node's documented `reusedSocket` case).
 */
function exchange(
  url: string,
  init: UpstreamRequest,
  retried = false,
  timeoutMs = TIMEOUT_MS,
): Promise<UpstreamResponse> {
  const target = new URL(url);
  const failed = () => new AppError('UPSTREAM_UNAVAILABLE', `could not reach ${target.host}`);
  const secure = target.protocol === 'https:';
  const method = init.method ?? 'GET';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      target,
      {
        method,
        headers: init.headers,
        agent: secure ? agents.https : agents.http,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () => reject(failed()));
        response.on('close', () => {
          if (!response.complete) reject(failed());
        });
        response.on('end', () => {
          clearTimeout(deadline);
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status,
            ok: status >= 200 && status < 300,
            json: () => JSON.parse(text) as unknown,
          });
        });
      },
    );
    // The whole exchange, as fetch's AbortSignal.timeout bounded it: a peer that trickles its
    // answer is as unavailable as one that never answers.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      request.destroy();
    }, timeoutMs);
    request.on('error', () => {
      clearTimeout(deadline);
      if (method === 'GET' && request.reusedSocket && !timedOut && !retried)
        resolve(exchange(url, init, true, timeoutMs));
      else reject(failed());
    });
    request.end(init.body);
  });
}

function unavailable(what: string): never {
  throw new AppError('UPSTREAM_UNAVAILABLE', `${what} is not configured`);
}

export function httpUpstreams(options: {
  insurerApiUrl: string | undefined;
  jlisUrl: string | undefined;
  serviceKey: string;
  /** The most one exchange may take (default 5 s). */
  timeoutMs?: number;
}): Upstreams {
  const headers = { 'x-service-key': options.serviceKey, 'content-type': 'application/json' };
  const call = (url: string, init: UpstreamRequest) =>
    exchange(url, init, false, options.timeoutMs ?? TIMEOUT_MS);
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
      const body = response.json() as { personRef?: unknown };
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
      const body = response.json() as { status?: unknown };
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
      return response.json() as { events: QualificationOutboxEvent[]; next: number };
    },
  };
}
