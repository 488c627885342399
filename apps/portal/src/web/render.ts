import { type Clock, jstDate } from '@shikaku/core/clock';
import { AppError, type ErrorStatusTable, toErrorResponse } from '@shikaku/platform/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PORTAL_ERROR_TEXT } from '../errors.js';
import { html, type HtmlPart } from './html.js';
import { page, type PageContext } from './layout.js';

export function pageContext(
  request: FastifyRequest,
  reply: FastifyReply,
  clock: Clock,
): PageContext {
  return {
    account: request.account,
    csrfToken: reply.generateCsrf(),
    today: jstDate(clock.now()),
    devMailbox: hasDevMailbox(request.server),
  };
}

/** Set by registerMailboxRoutes when the development mailbox is on (the stack, tests). */
export const DEV_MAILBOX = Symbol('portal.devMailbox');

function hasDevMailbox(app: FastifyInstance): boolean {
  return (app as unknown as Record<symbol, unknown>)[DEV_MAILBOX] === true;
}

/** The stable code a refused form page carries when its route names none, by HTTP status. */
const PAGE_ERROR_CODE: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
};

/**
 * Sends a page. A page answered with 4xx or 5xx shows its stable code (コード: …), so a person can
 * quote it and a client can read it, whether it is an error page or a form shown again with errors.
 */
export function sendPage(
  reply: FastifyReply,
  ctx: PageContext,
  title: string,
  content: HtmlPart,
  status = 200,
  code: string | undefined = PAGE_ERROR_CODE[status] ??
    (status >= 400 ? 'VALIDATION_FAILED' : undefined),
): FastifyReply {
  const body = code
    ? html`${content}
        <p class="hint error-code">コード: ${code}</p>`
    : content;
  return (
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      // No page runs a script or is framed; styles are inline in the page.
      .header(
        'content-security-policy',
        "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
      )
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(page(ctx, title, body).value)
  );
}

/** Error pages in Japanese for the HTML routes; a login redirect when the session is missing. */
export function registerHtmlErrorHandler(
  app: FastifyInstance,
  table: ErrorStatusTable,
  clock: Clock,
): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(asCsrfError(error), table);
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    if (body.code === 'UNAUTHENTICATED' && request.method === 'GET') {
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    const text = PORTAL_ERROR_TEXT[body.code] ?? PORTAL_ERROR_TEXT.VALIDATION_FAILED;
    const ctx = pageContext(request, reply, clock);
    return sendPage(
      reply,
      ctx,
      'エラー',
      html`<section class="alert">
          <p>${text}</p>
        </section>
        <p><a href="/">トップへ戻る</a></p>`,
      status,
      body.code,
    );
  });
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`);
}

/** @fastify/csrf-protection's errors get the portal's stable code. */
function asCsrfError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('FST_CSRF_')
    ? new AppError('CSRF_INVALID', 'invalid or missing CSRF token')
    : error;
}
