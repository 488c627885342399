import { randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { jstDate } from '@shikaku/core/clock';
import { findInstitution } from '@shikaku/db/eligibility/institutions';
import { AppError } from '@shikaku/platform/errors';
import { type Html, html } from '@shikaku/platform/html';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InformationKind } from '../consent.js';
import { ELIGIBILITY_ERROR_STATUS } from '../errors.js';
import type { CheckupRecord, DrugRecord } from '../history.js';
import type { Services } from '../services.js';
import { CITIZEN_PAGES, type CitizenPageContext, citizenPage } from './page-layout.js';
import {
  renderAccessLog,
  renderCheckups,
  renderConsents,
  renderDrugInformation,
  renderQualifications,
  renderTop,
} from './page-sections.js';
import { pinMismatchMessage, SIGN_IN_MESSAGES, signInMessage } from './page-texts.js';
import { SIGN_IN_SCRIPT } from './sign-in-script.js';
import { requireCitizen, type SignInDeps, signInWithCard } from './sign-in.js';
import { SESSION_TTL_SECONDS } from './sessions.js';
import {
  citizenAccessLog,
  citizenConsents,
  citizenInformation,
  citizenQualifications,
} from './views.js';

/** The page session: the same session (and token) as the JSON API's Bearer, in a cookie. */
const SESSION_COOKIE = 'citizen_session';
/** Double-submit CSRF token: a random cookie every form echoes in `_csrf`. */
const CSRF_COOKIE = 'citizen_csrf';

type Form = Record<string, string | undefined>;

/** HttpOnly, SameSite=Lax, on /citizen only; Secure when the page came over https. */
function cookie(request: FastifyRequest, name: string, value: string, maxAgeSeconds?: number) {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/citizen',
    'HttpOnly',
    'SameSite=Lax',
    ...(request.protocol === 'https' ? ['Secure'] : []),
    ...(maxAgeSeconds === undefined ? [] : [`Max-Age=${maxAgeSeconds}`]),
  ].join('; ');
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  // Compared as bytes: two strings of one length may differ in bytes (timingSafeEqual throws).
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The citizen's pages (マイナポータル's): sign-in with the card, マイページ, one page per section and
 * sign-out. They read the same data as the JSON API (views.ts) through the same sessions.
 */
export async function citizenPages(
  app: FastifyInstance,
  services: Services,
  deps: SignInDeps,
): Promise<void> {
  // The portal's cookie parser (request.cookies): a cookie that is no percent-encoding is read as
  // is, never a 500.
  await app.register(fastifyCookie);
  // Read at each page: the stack learns the card client's address after this app starts.
  const cardClientOrigin = () =>
    services.config.citizenCardUrl ? new URL(services.config.citizenCardUrl).origin : undefined;
  const hide = { schema: { hide: true } };

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  /** The CSRF token of this browser, set on first sight. */
  const csrfToken = (request: FastifyRequest, reply: FastifyReply): string => {
    const held = request.cookies[CSRF_COOKIE];
    if (held && /^[\w-]{32,64}$/.test(held)) return held;
    const token = randomBytes(24).toString('base64url');
    reply.header('set-cookie', cookie(request, CSRF_COOKIE, token));
    return token;
  };
  const checkCsrf = (request: FastifyRequest) => {
    const form = (request.body ?? {}) as Form;
    if (!sameToken(form._csrf, request.cookies[CSRF_COOKIE]))
      throw new AppError('CSRF_INVALID', 'the form was not sent from this site');
  };

  const send = (reply: FastifyReply, status: number, page: Html) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        [
          "default-src 'none'",
          "style-src 'unsafe-inline'",
          "script-src 'self'",
          `connect-src 'self' ${cardClientOrigin() ?? ''}`.trim(),
          "form-action 'self'",
          "frame-ancestors 'none'",
          "base-uri 'none'",
        ].join('; '),
      )
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(page.value);

  const signInPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    notice: { kind: 'alert' | 'notice'; text: string; code?: string } | undefined,
    certificateSerial = '',
  ) => {
    const ctx: CitizenPageContext = {
      today: jstDate(services.clock.now()),
      csrfToken: csrfToken(request, reply),
    };
    const messages = {
      ...SIGN_IN_MESSAGES,
      PIN_MISMATCH: pinMismatchMessage('{n}'),
    };
    return send(
      reply,
      status,
      citizenPage(
        ctx,
        'マイナンバーカードでログイン',
        html`${
            notice
              ? html`<p class="${notice.kind}" id="page-message" role="alert">${notice.text}</p>
                  ${
                    notice.code
                      ? html`<p class="hint" id="page-code">コード: ${notice.code}</p>`
                      : ''
                  }`
              : ''
          }
          <section>
            <p>
              マイナンバーカードの利用者証明用電子証明書でログインします。カードをカードリーダーに置き、利用者証明用電子証明書の暗証番号（数字4桁）を入力してください。
            </p>
            <p class="hint">
              暗証番号はカードを読み取るソフトウェア（利用者クライアントソフト）に渡され、このサイトには送られません。3回続けて間違えるとカードがロックされます。
            </p>
            <p class="alert" id="sign-in-status" role="alert" tabindex="-1" hidden></p>
            <form
              id="sign-in"
              method="post"
              action="${CITIZEN_PAGES.login}"
              data-card-client="${services.config.citizenCardUrl ?? ''}"
              data-messages="${JSON.stringify(messages)}"
            >
              <input type="hidden" name="_csrf" value="${ctx.csrfToken}" />
              <input type="hidden" name="challenge" value="" />
              <input type="hidden" name="signature" value="" />
              <label for="certificateSerial">カード（利用者証明用電子証明書のシリアル番号）</label>
              <input
                type="text"
                id="certificateSerial"
                name="certificateSerial"
                required
                maxlength="64"
                autocomplete="off"
                value="${certificateSerial}"
              />
              <label for="pin">暗証番号（数字4桁）</label>
              <input
                type="password"
                id="pin"
                inputmode="numeric"
                maxlength="4"
                autocomplete="off"
                required
              />
              <div><button type="submit">ログイン</button></div>
            </form>
            <noscript
              ><p class="alert">
                ログインには JavaScript とカードを読み取るソフトウェアが必要です。
              </p></noscript
            >
          </section>
          <script src="${CITIZEN_PAGES.script}"></script>`,
      ),
    );
  };

  app.get(CITIZEN_PAGES.script, hide, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(SIGN_IN_SCRIPT),
  );

  app.get('/citizen', hide, async (_request, reply) => reply.redirect(CITIZEN_PAGES.top, 303));

  app.get<{ Querystring: { ended?: string; signedOut?: string } }>(
    CITIZEN_PAGES.login,
    hide,
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token && (await deps.sessions.resolve(token, services.clock.now())))
        return reply.redirect(CITIZEN_PAGES.top, 303);
      const notice =
        request.query.signedOut !== undefined
          ? { kind: 'notice' as const, text: 'ログアウトしました。' }
          : request.query.ended !== undefined
            ? { kind: 'alert' as const, text: signInMessage('SESSION_ENDED') }
            : undefined;
      return signInPage(request, reply, 200, notice);
    },
  );

  app.post(CITIZEN_PAGES.login, hide, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const certificateSerial = (form.certificateSerial ?? '').trim().slice(0, 64);
    try {
      checkCsrf(request);
      const { challenge, signature } = form;
      if (!certificateSerial || !challenge || !signature)
        throw new AppError('VALIDATION_FAILED', 'the card answered nothing', {
          field: 'signature',
        });
      const session = await signInWithCard(
        deps,
        {
          certificateSerial,
          challenge: challenge.slice(0, 128),
          signature: signature.slice(0, 1024),
        },
        services.clock.now(),
      );
      reply.header(
        'set-cookie',
        cookie(request, SESSION_COOKIE, session.token, SESSION_TTL_SECONDS),
      );
      return reply.redirect(CITIZEN_PAGES.top, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status =
        error.code === 'CSRF_INVALID' ? 403 : (ELIGIBILITY_ERROR_STATUS[error.code] ?? 400);
      return signInPage(
        request,
        reply,
        status,
        // The stable code under the sentence, as the portal's pages show it (for a support call).
        { kind: 'alert', text: signInMessage(error.code), code: error.code },
        certificateSerial,
      );
    }
  });

  app.post(CITIZEN_PAGES.logout, hide, async (request, reply) => {
    try {
      checkCsrf(request);
    } catch {
      return reply.redirect(CITIZEN_PAGES.top, 303);
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) await deps.sessions.revoke(token, services.clock.now());
    reply.header('set-cookie', cookie(request, SESSION_COOKIE, '', 0));
    return reply.redirect(`${CITIZEN_PAGES.login}?signedOut`, 303);
  });

  /** A page of the signed-in citizen; to the sign-in page without a live session. */
  const signedInPage = (
    path: string,
    title: string,
    body: (
      personRef: string,
      now: Date,
      on: string,
      qualifications: Awaited<ReturnType<typeof citizenQualifications>>,
    ) => Promise<Html>,
  ) =>
    app.get(path, hide, async (request, reply) => {
      const now = services.clock.now();
      const token = request.cookies[SESSION_COOKIE];
      let session: Awaited<ReturnType<typeof requireCitizen>>;
      try {
        session = await requireCitizen(deps, token, now);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'SESSION_REQUIRED') throw error;
        if (token) reply.header('set-cookie', cookie(request, SESSION_COOKIE, '', 0));
        return reply.redirect(`${CITIZEN_PAGES.login}${token ? '?ended' : ''}`, 303);
      }
      const on = jstDate(now);
      const { personRef } = session;
      // Read once: the header greets by the current one's name, 資格情報 lists them all.
      const qualifications = await citizenQualifications(services.handle, personRef, on);
      const [current] = qualifications;
      const ctx: CitizenPageContext = {
        today: on,
        csrfToken: csrfToken(request, reply),
        signedIn: {
          name: current?.name ?? null,
          expiresAt: session.expiresAt,
        },
      };
      return send(
        reply,
        200,
        citizenPage(ctx, title, await body(personRef, now, on, qualifications)),
      );
    });

  signedInPage(CITIZEN_PAGES.top, 'マイページ', async () => renderTop());
  signedInPage(
    '/citizen/qualifications',
    '資格情報',
    async (_personRef, _now, on, qualifications) => renderQualifications(qualifications, on),
  );
  const information = (kind: InformationKind, personRef: string, on: string) =>
    citizenInformation(services.handle, services.seed, kind, personRef, on);
  signedInPage('/citizen/drug-information', '薬剤情報', async (personRef, _now, on) =>
    renderDrugInformation(
      (await information('drug-information', personRef, on)) as DrugRecord[],
      on,
    ),
  );
  signedInPage('/citizen/checkups', '特定健診情報', async (personRef, _now, on) =>
    renderCheckups(
      (await information('checkup-information', personRef, on)) as CheckupRecord[],
      on,
    ),
  );
  signedInPage('/citizen/consents', '同意の記録', async (personRef, now) => {
    const consents = await citizenConsents(services.handle, personRef, now);
    // Each institution by name, as the access log names it (a person's consents are few).
    const names = new Map<string, string>();
    for (const code of new Set(consents.map((c) => c.institutionCode))) {
      const institution = await findInstitution(services.handle, code);
      if (institution) names.set(code, institution.name);
    }
    return renderConsents(consents, names);
  });
  signedInPage('/citizen/access-log', 'アクセス記録', async (personRef) =>
    renderAccessLog(await citizenAccessLog(services.handle, personRef)),
  );
}
