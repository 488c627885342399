// Sessions: a random token in an HttpOnly cookie, its hash in portal.sessions with an expiry taken
// from the injected clock (so an --as-of stack expires sessions consistently).
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  type Account,
  deleteSession,
  findSessionAccount,
  insertSession,
} from '@shikaku/db/portal/accounts';
import type { AccountRole } from '@shikaku/db/portal/tables';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, newToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
  }
}

export const SESSION_COOKIE = 'shikaku_session';

export interface SessionOptions {
  handle: DatabaseHandle;
  clock: Clock;
  ttlMinutes: number;
  secureCookies: boolean;
}

export function registerSessions(app: FastifyInstance, options: SessionOptions): void {
  app.decorateRequest('account', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    request.account = token
      ? ((await findSessionAccount(options.handle, hashToken(token), options.clock.now())) ?? null)
      : null;
  });
}

export async function startSession(
  reply: FastifyReply,
  account: Account,
  options: SessionOptions,
): Promise<void> {
  const token = newToken();
  const now = options.clock.now();
  const expiresAt = new Date(now.getTime() + options.ttlMinutes * 60_000);
  await insertSession(options.handle, {
    tokenHash: hashToken(token),
    accountId: account.id,
    createdAt: now,
    expiresAt,
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookies,
    maxAge: options.ttlMinutes * 60,
  });
}

export async function endSession(
  request: FastifyRequest,
  reply: FastifyReply,
  options: SessionOptions,
): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) await deleteSession(options.handle, hashToken(token));
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The signed-in account, with one of `roles` when given; else UNAUTHENTICATED / FORBIDDEN. */
export function requireAccount(request: FastifyRequest, ...roles: AccountRole[]): Account {
  const account = request.account;
  if (!account) throw new AppError('UNAUTHENTICATED', 'login required');
  if (roles.length > 0 && !roles.includes(account.role)) {
    throw new AppError('FORBIDDEN', 'this page needs another role');
  }
  return account;
}

/** The institution code of a signed-in institution account. */
export function requireInstitution(
  request: FastifyRequest,
): Account & { institution_code: string } {
  const account = requireAccount(request, 'institution');
  if (!account.institution_code) throw new AppError('FORBIDDEN', 'no institution');
  return account as Account & { institution_code: string };
}
