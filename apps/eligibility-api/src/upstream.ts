import http from 'node:http';
import https from 'node:https';
import type { QualificationOutboxEvent } from '@shikaku/core/qualification-event';
import { type BatcherOptions, createBatcher, ItemFailure } from '@shikaku/db/batching';
import { AppError } from '@shikaku/platform/errors';
import { textProblem } from '@shikaku/platform/input-guards';

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
  /** A POST that only reads, safe to send twice (a GET always is). */
  idempotent?: boolean;
}

const TIMEOUT_MS = 5000;

// Kept-alive connections per peer: a card confirmation asks J-LIS every time, and node:http over
// an Agent costs measurably less CPU than global fetch (docs/benchmarks.md, issue 19).
const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

/**
 * J-LIS certificate statuses, coalesced (docs/decisions.md, "Certificate statuses in batches"):
 * every card confirmation asks one, and under load one HTTP exchange per check costs both sides
 * more CPU than the lookup. A check goes out at once when fewer than `concurrency` requests are in
 * flight (light load adds no latency); checks that arrive meanwhile share the next request, up to
 * jlis's limit of 100 serials. Two in flight, so one slow exchange does not hold every check.
 */
export const CERTIFICATE_STATUS_BATCHING: BatcherOptions = { maxBatch: 100, concurrency: 2 };

/**
 * One HTTP exchange; any failure to get a whole answer within TIMEOUT_MS (refused, reset, slow) is
 * UPSTREAM_UNAVAILABLE. A GET (or an idempotent POST) that failed on a kept-alive socket the peer
 * had just closed is sent once more on a new one (Node's documented `reusedSocket` case).
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
            json: () => {
              try {
                return JSON.parse(text) as unknown;
              } catch {
                throw new AppError('UPSTREAM_UNAVAILABLE', `${target.host} answered no JSON`);
              }
            },
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
      if ((method === 'GET' || init.idempotent) && request.reusedSocket && !timedOut && !retried)
        resolve(exchange(url, init, true, timeoutMs));
      else reject(failed());
    });
    request.end(init.body);
  });
}

function unavailable(what: string): never {
  throw new AppError('UPSTREAM_UNAVAILABLE', `${what} is not configured`);
}

function knownStatus(status: unknown): CertificateStatus {
  return status === 'valid' || status === 'revoked' || status === 'expired' || status === 'locked'
    ? status
    : 'unknown';
}

/** A serial jlis's statuses route accepts: one it would refuse must not fail a whole batch. */
const carriable = (serial: string) =>
  serial.length > 0 && serial.length <= 64 && textProblem(serial) === null;

/** One check waiting for its status; `gaveUp` once its deadline passed (then it is not sent). */
interface StatusCheck {
  serial: string;
  gaveUp: boolean;
}

export function httpUpstreams(options: {
  insurerApiUrl: string | undefined;
  jlisUrl: string | undefined;
  serviceKey: string;
  /** The most one exchange may take (default 5 s). */
  timeoutMs?: number;
}): Upstreams {
  const headers = { 'x-service-key': options.serviceKey, 'content-type': 'application/json' };
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const call = (url: string, init: UpstreamRequest) => exchange(url, init, false, timeoutMs);
  const jlisFailed = (why: string) => new AppError('UPSTREAM_UNAVAILABLE', `jlis ${why}`);

  // One request for a batch of checks; when it fails (refused, timed out, 5xx, an answer that does
  // not match the question) every check it carried fails UPSTREAM_UNAVAILABLE, as one check's own
  // request did, so certificate-status.ts falls back per serial.
  const statuses = createBatcher<StatusCheck, CertificateStatus>(async (checks) => {
    const asked = checks.filter((check) => !check.gaveUp);
    if (asked.length === 0) return checks.map(() => new ItemFailure(jlisFailed('timed out')));
    const response = await call(`${options.jlisUrl}/v1/certificates/statuses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ serials: asked.map((check) => check.serial) }),
      idempotent: true,
    });
    if (!response.ok) throw jlisFailed('answered an error');
    const answers = (response.json() as { statuses?: unknown } | null)?.statuses;
    if (!Array.isArray(answers) || answers.length !== asked.length)
      throw jlisFailed('answered a different number of statuses');
    const byCheck = new Map<StatusCheck, CertificateStatus>();
    asked.forEach((check, i) => {
      const answer = answers[i] as { serial?: unknown; status?: unknown } | null;
      if (answer?.serial !== check.serial) throw jlisFailed('answered for another serial');
      byCheck.set(check, knownStatus(answer.status));
    });
    return checks.map((check) => byCheck.get(check) ?? new ItemFailure(jlisFailed('timed out')));
  }, CERTIFICATE_STATUS_BATCHING);

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
      if (!carriable(certificateSerial)) throw jlisFailed('cannot be asked about this serial');
      // The whole check, queued or sent, takes at most the timeout, as one exchange of its own did.
      const check: StatusCheck = { serial: certificateSerial, gaveUp: false };
      let deadline: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        deadline = setTimeout(() => {
          check.gaveUp = true;
          reject(jlisFailed('timed out'));
        }, timeoutMs);
      });
      try {
        return await Promise.race([statuses.run(check), late]);
      } finally {
        clearTimeout(deadline);
      }
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
