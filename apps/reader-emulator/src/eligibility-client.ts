import type { CardConfirmation, CardConfirmationRequest } from './card-confirmation.js';

/**
 * The reader terminal's client of eligibility-api (see apps/eligibility-api/README.md): it logs in
 * with the institution's credentials, registers cards for insurance use, confirms by card, and
 * passes the file interface's requests to the spec search endpoint. Answers are values: an
 * upstream error carries eligibility-api's code, a network failure is UPSTREAM_UNAVAILABLE.
 */
export type Upstream<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export interface EligibilityClient {
  /**
   * A placed card's certificate (GET /v1/card-certificates/{serial}): its J-LIS status, or
   * NOT_FOUND when J-LIS does not know the serial.
   */
  certificateStatus(certificateSerial: string): Promise<Upstream<{ status: string }>>;
  registerCard(certificateSerial: string): Promise<Upstream<void>>;
  confirmCard(request: CardConfirmationRequest): Promise<Upstream<CardConfirmation>>;
  /** `XmlMsg` JSON in, `XmlMsg` JSON out (the spec search). */
  search(message: object): Promise<Upstream<Record<string, unknown>>>;
}

export interface EligibilityClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

const SEARCH_PATH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';

export function httpEligibilityClient(options: EligibilityClientOptions): EligibilityClient {
  const base = options.baseUrl.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  let token: { idToken: string; expiresAt: number } | undefined;

  async function call(
    path: string,
    init: { method: string; body?: unknown; authorization?: string },
  ): Promise<{ status: number; body: unknown } | { status: 0; error: string }> {
    try {
      const response = await fetch(`${base}${path}`, {
        method: init.method,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(init.authorization ? { authorization: init.authorization } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = { code: 'MALFORMED_BODY', message: 'eligibility-api answered something not JSON' };
      }
      return { status: response.status, body };
    } catch (error) {
      return { status: 0, error: (error as Error).message };
    }
  }

  async function idToken(refresh: boolean): Promise<Upstream<string>> {
    if (!refresh && token && token.expiresAt > Date.now())
      return { ok: true, value: token.idToken };
    const answer = await call('/v1/auth/token', {
      method: 'POST',
      body: { clientId: options.clientId, clientSecret: options.clientSecret },
    });
    if (answer.status !== 200) return failure(answer);
    const body = answer.body as { idToken: string; expiresIn?: number };
    // Renew a little before the token expires.
    const lifetimeMs = Math.max(((body.expiresIn ?? 300) - 30) * 1000, 1000);
    token = { idToken: body.idToken, expiresAt: Date.now() + lifetimeMs };
    return { ok: true, value: body.idToken };
  }

  /** Calls with the token, logging in again once when the token was refused. */
  async function authorized(
    path: string,
    body: unknown,
    style: 'bearer' | 'bare',
    method = 'POST',
  ): Promise<{ status: number; body: unknown } | Upstream<never>> {
    for (const refresh of [false, true]) {
      const login = await idToken(refresh);
      if (!login.ok) return login;
      const authorization = style === 'bearer' ? `Bearer ${login.value}` : login.value;
      const answer = await call(path, { method, body, authorization });
      if (answer.status === 401 && !refresh) continue;
      if ('error' in answer) return failure(answer);
      return answer;
    }
    return { ok: false, code: 'UNAUTHENTICATED', message: 'eligibility-api refused the token' };
  }

  return {
    async certificateStatus(certificateSerial) {
      const path = `/v1/card-certificates/${encodeURIComponent(certificateSerial)}`;
      const answer = await authorized(path, undefined, 'bearer', 'GET');
      if ('ok' in answer) return answer;
      return answer.status === 200
        ? { ok: true, value: answer.body as { status: string } }
        : failure(answer);
    },
    async registerCard(certificateSerial) {
      const answer = await authorized('/v1/card-registrations', { certificateSerial }, 'bearer');
      if ('ok' in answer) return answer;
      return answer.status === 200 || answer.status === 201
        ? { ok: true, value: undefined }
        : failure(answer);
    },
    async confirmCard(request) {
      const answer = await authorized('/v1/card-confirmations', request, 'bearer');
      if ('ok' in answer) return answer;
      return answer.status === 200 || answer.status === 201
        ? { ok: true, value: answer.body as CardConfirmation }
        : failure(answer);
    },
    async search(message) {
      const answer = await authorized(SEARCH_PATH, message, 'bare');
      if ('ok' in answer) return answer;
      // The spec endpoint answers its own errors in the message shape (200 or 401): pass them on.
      const body = answer.body as Record<string, unknown> | undefined;
      return body && typeof body === 'object' && 'XmlMsg' in body
        ? { ok: true, value: body }
        : failure(answer);
    },
  };
}

function failure(
  answer: { status: number; body: unknown } | { status: 0; error: string },
): Upstream<never> {
  if (answer.status === 0 || !('body' in answer)) {
    return {
      ok: false,
      code: 'UPSTREAM_UNAVAILABLE',
      message: `eligibility-api did not answer: ${'error' in answer ? answer.error : ''}`,
    };
  }
  const body = answer.body as { code?: string; message?: string; msg?: string } | undefined;
  if (answer.status >= 500) {
    return {
      ok: false,
      code: 'UPSTREAM_UNAVAILABLE',
      message: `eligibility-api answered ${answer.status}`,
    };
  }
  return {
    ok: false,
    code: body?.code ?? (answer.status === 401 ? 'UNAUTHENTICATED' : 'CONFIRMATION_FAILED'),
    message: body?.message ?? body?.msg ?? `eligibility-api answered ${answer.status}`,
  };
}
