// 利用申請: an institution applies; an operator approves (the institution is registered with
// eligibility-api); the institution then issues its credentials, whose secret is shown once by
// whichever instance serves the page, from the database, sealed under a token only the browser
// holds (reveal.ts). Rotation (a separate, confirmed POST) issues a new one and revokes the old;
// revocation is per client id.
import { findInstitution } from '@shikaku/db/portal/accounts';
import {
  changeCredential,
  type CredentialChange,
  isUsageApproved,
  listCredentials,
  listUsageApplications,
  revokeCredential,
  submitUsageApplication,
} from '@shikaku/db/portal/usage-applications';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireInstitution } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { USAGE_STATUS_TEXT } from '../status-text.js';
import { formValues } from '../web/forms.js';
import { completion, steps } from '../web/complete.js';
import { institutionTable } from '../facility-text.js';
import { html, jstDateTime } from '../web/html.js';
import { csrfField, type PageContext } from '../web/layout.js';
import { pageContext, sendPage } from '../web/render.js';
import type { IssuedCredential } from './eligibility-client.js';
import { hashToken, newToken } from '../auth/tokens.js';
import {
  deleteExpiredCredentialReveals,
  storeCredentialReveal,
  takeCredentialReveal,
} from '@shikaku/db/portal/credential-reveals';
import {
  openSecret,
  REVEAL_COOKIE,
  REVEAL_COOKIE_PATH,
  REVEAL_TTL_MS,
  sealSecret,
} from './reveal.js';

function secretPage(
  page: PageContext,
  issued: IssuedCredential,
  eligibilityUrl: string | undefined,
) {
  return html`<section class="notice">
      <p>
        <strong>この画面を閉じると、シークレットは二度と表示されません。</strong
        >安全な場所に控えてください。
      </p>
    </section>
    <section>
      <h2>接続用の認証情報</h2>
      <p>クライアントID</p>
      <p class="secret" id="client-id">${issued.clientId}</p>
      <p>クライアントシークレット</p>
      <p class="secret" id="client-secret">${issued.clientSecret}</p>
      ${eligibilityUrl ? html`<p class="hint">接続先：${eligibilityUrl}/oqs-api-pro/ または ${eligibilityUrl}/v1/</p>` : ''}
      <p><a href="/usage">利用申請に戻る</a></p>
    </section>`;
}

export function registerUsageRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/usage', async (request, reply) => {
    const account = requireInstitution(request);
    const page = pageContext(request, reply, ctx.clock);
    const code = account.institution_code;
    const [applications, credentials] = await Promise.all([
      listUsageApplications(ctx.handle, { institutionCode: code }),
      listCredentials(ctx.handle, code),
    ]);
    const open = applications.find((a) => a.status !== 'rejected');
    const approved = applications.some((a) => a.status === 'approved');
    const active = credentials.filter((c) => !c.revoked_at);
    return sendPage(
      reply,
      page,
      '利用申請',
      html`<section>
          <h2>申請状況</h2>
          ${
            applications.length === 0
              ? html`<p>まだ申請していません。</p>`
              : html`<table>
                  <tr>
                    <th>申請番号</th>
                    <th>申請日時</th>
                    <th>状況</th>
                  </tr>
                  ${applications.map(
                    (a) =>
                      html`<tr>
                        <td>${a.id}</td>
                        <td>${jstDateTime(a.submitted_at)}</td>
                        <td>
                          ${USAGE_STATUS_TEXT[a.status]}${
                            a.decision_reason
                              ? html`<div class="pre usage-reason">理由：${a.decision_reason}</div>`
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </table>`
          }
          ${
            open
              ? ''
              : html`${steps(1)}
                  <form method="post" action="/usage/confirm">
                    ${csrfField(page)}<button type="submit">
                      オンライン資格確認の利用を申請する（確認画面へ）
                    </button>
                  </form>`
          }
        </section>
        ${
          approved
            ? html`<section>
                <h2>接続用の認証情報</h2>
                <table>
                  <tr>
                    <th>クライアントID</th>
                    <th>発行日時</th>
                    <th>状態</th>
                    <th></th>
                  </tr>
                  ${credentials.map(
                    (c) =>
                      html`<tr>
                        <td>${c.client_id}</td>
                        <td>${jstDateTime(c.created_at)}</td>
                        <td>${c.revoked_at ? `失効（${jstDateTime(c.revoked_at)}）` : '有効'}</td>
                        <td>
                          ${
                            c.revoked_at
                              ? ''
                              : html`<form
                                  class="inline"
                                  method="post"
                                  action="/usage/credentials/${c.client_id}/revoke"
                                >
                                  ${csrfField(page)}<button class="secondary" type="submit">
                                    失効させる
                                  </button>
                                </form>`
                          }
                        </td>
                      </tr>`,
                  )}
                </table>
                ${
                  active.length === 0
                    ? html`<form method="post" action="/usage/credentials">
                        ${csrfField(page)}<button type="submit">認証情報を発行する</button>
                      </form>`
                    : html`<p>
                        <a href="/usage/credentials/rotate" id="rotate-link"
                          >認証情報を更新する（再発行）</a
                        >
                      </p>`
                }
              </section>`
            : ''
        }`,
    );
  });

  app.post('/usage', async (request, reply) => {
    const account = requireInstitution(request);
    const created = await submitUsageApplication(
      ctx.handle,
      account.institution_code,
      ctx.clock.now(),
    );
    if (!created) throw new AppError('CONFLICT', 'a usage application is already open');
    return reply.redirect(`/usage/${created.id}/complete`, 303);
  });

  // 確認: what will be applied for, as the institution registered it.
  app.post('/usage/confirm', async (request, reply) => {
    const account = requireInstitution(request);
    const institution = await findInstitution(ctx.handle, account.institution_code);
    if (!institution) throw new AppError('NOT_FOUND', 'institution not found');
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      '利用申請（確認）',
      html`${steps(2)}
        <section id="confirmation">
          <p>次の施設について、オンライン資格確認の利用を申請します。</p>
          ${institutionTable(institution)}
          <form method="post" action="/usage">
            ${csrfField(page)}<button type="submit">申請する</button>
          </form>
          <p><a href="/usage">戻る</a></p>
        </section>`,
    );
  });

  app.get<{ Params: { id: string } }>('/usage/:id/complete', async (request, reply) => {
    const account = requireInstitution(request);
    const id = Number(request.params.id);
    const application = (
      await listUsageApplications(ctx.handle, { institutionCode: account.institution_code })
    ).find((a) => a.id === id);
    if (!application) throw new AppError('NOT_FOUND', 'no such usage application');
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      '利用申請（完了）',
      completion({
        kind: 'U',
        id: application.id,
        message: 'オンライン資格確認の利用申請を受け付けました。',
        summary: html`<p>
          審査の結果はメールでお知らせします。承認後、「利用申請」ページで接続用の認証情報を発行できます。
        </p>`,
        next: { href: '/usage', text: '利用申請のページへ' },
      }),
    );
  });

  // Issue and rotate are POSTs that redirect (303) to /usage/credentials/issued, which shows the new
  // secret once: a reload or a re-sent form never issues again, so it never revokes the credential
  // just shown. Between the two the secret waits in the database sealed under a one-time token
  // that only this browser holds (reveal.ts), so any portal instance can show it, once; whatever is
  // not picked up within REVEAL_TTL_MS is gone.
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: CredentialChange,
  ): Promise<FastifyReply> {
    const account = requireInstitution(request);
    const code = account.institution_code;
    if (!(await isUsageApproved(ctx.handle, code))) {
      throw new AppError('FORBIDDEN', 'usage application not approved');
    }
    const now = ctx.clock.now();
    const changed = await changeCredential(
      ctx.handle,
      { ...kind, institutionCode: code, at: now },
      {
        issue: () => ctx.eligibility.issueCredential(code),
        revoke: (clientId) => ctx.eligibility.revokeCredential(code, clientId),
      },
    );
    if (changed.ok) {
      const token = newToken();
      await storeCredentialReveal(ctx.handle, {
        accountId: account.id,
        tokenHash: hashToken(token),
        clientId: changed.issued.clientId,
        sealedSecret: sealSecret(token, changed.issued.clientSecret),
        at: now,
        expiresAt: new Date(now.getTime() + REVEAL_TTL_MS),
      });
      reply.setCookie(REVEAL_COOKIE, token, {
        path: REVEAL_COOKIE_PATH,
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.sessions.secureCookies,
        maxAge: REVEAL_TTL_MS / 1000,
      });
    }
    // Refused (already issued, already rotated): the page shows a secret still waiting, else says
    // it was shown, and offers an explicit rotation.
    return reply.redirect('/usage/credentials/issued', 303);
  }

  app.post('/usage/credentials', (request, reply) => change(request, reply, { kind: 'issue' }));

  app.get('/usage/credentials/issued', async (request, reply) => {
    const account = requireInstitution(request);
    const page = pageContext(request, reply, ctx.clock);
    const now = ctx.clock.now();
    const token = request.cookies[REVEAL_COOKIE];
    reply.clearCookie(REVEAL_COOKIE, { path: REVEAL_COOKIE_PATH });
    const waiting = token
      ? await takeCredentialReveal(ctx.handle, {
          accountId: account.id,
          tokenHash: hashToken(token),
          now,
        })
      : undefined;
    const secret = waiting && token ? openSecret(token, waiting.sealedSecret) : undefined;
    await deleteExpiredCredentialReveals(ctx.handle, now);
    if (waiting && secret !== undefined) {
      return sendPage(
        reply,
        page,
        '認証情報を発行しました',
        secretPage(
          page,
          { clientId: waiting.clientId, clientSecret: secret },
          ctx.config.eligibilityApiUrl,
        ),
      );
    }
    const active = (await listCredentials(ctx.handle, account.institution_code)).find(
      (c) => !c.revoked_at,
    );
    return sendPage(
      reply,
      page,
      '認証情報は表示済みです',
      html`<section class="notice" id="already-shown">
          <p>
            ${active ? html`クライアントID <strong>${active.client_id}</strong> のシークレットは、発行時に一度だけ表示しました。` : ''}安全のため、シークレットは再表示できません。認証情報は引き続き有効です。
          </p>
        </section>
        ${active ? rotationForm(page, active.client_id) : ''}
        <p><a href="/usage">利用申請に戻る</a></p>`,
    );
  });

  function rotationForm(page: PageContext, clientId: string, error?: string) {
    return html`<section>
      <h2>認証情報を更新する（再発行）</h2>
      <p>
        シークレットを紛失した場合や漏えいのおそれがある場合は、新しい認証情報を発行できます。<strong>現在の認証情報（${clientId}）は直ちに失効し</strong>、これを設定した端末・システムは接続できなくなります。
      </p>
      <form method="post" action="/usage/credentials/rotate" novalidate>
        ${csrfField(page)}
        <input type="hidden" name="clientId" value="${clientId}" />
        <div class="${error ? 'field-error' : ''}">
          <label
            ><input type="checkbox" name="confirm" value="1" id="confirm" />
            現在の認証情報が失効することを確認しました（必須）</label
          >
          ${error ? html`<p class="error" id="confirm-error" role="alert">${error}</p>` : ''}
        </div>
        <button type="submit">新しい認証情報を発行し、現在のものを失効させる</button>
      </form>
    </section>`;
  }

  app.get('/usage/credentials/rotate', async (request, reply) => {
    const account = requireInstitution(request);
    const page = pageContext(request, reply, ctx.clock);
    const active = (await listCredentials(ctx.handle, account.institution_code)).find(
      (c) => !c.revoked_at,
    );
    if (!active) return reply.redirect('/usage', 303);
    return sendPage(reply, page, '認証情報の更新', rotationForm(page, active.client_id));
  });

  app.post('/usage/credentials/rotate', async (request, reply) => {
    const values = formValues(request.body);
    if (values.confirm !== '1' || !values.clientId) {
      requireInstitution(request);
      const page = pageContext(request, reply, ctx.clock);
      return sendPage(
        reply,
        page,
        '認証情報の更新',
        rotationForm(
          page,
          values.clientId ?? '',
          '更新するには、現在の認証情報が失効することの確認にチェックを入れてください。',
        ),
        400,
      );
    }
    return change(request, reply, { kind: 'rotate', clientId: values.clientId });
  });

  app.post<{ Params: { clientId: string } }>(
    '/usage/credentials/:clientId/revoke',
    async (request, reply) => {
      const account = requireInstitution(request);
      const code = account.institution_code;
      const owned = (await listCredentials(ctx.handle, code)).find(
        (c) => c.client_id === request.params.clientId && !c.revoked_at,
      );
      // Another institution's client id is simply not found.
      if (!owned) throw new AppError('NOT_FOUND', 'no such active credential');
      await ctx.eligibility.revokeCredential(code, owned.client_id);
      await revokeCredential(ctx.handle, {
        clientId: owned.client_id,
        institutionCode: code,
        at: ctx.clock.now(),
      });
      return reply.redirect('/usage', 303);
    },
  );
}

/** Used by the operator's approval: registers the institution with eligibility-api first. */
export async function registerWithEligibility(
  ctx: PortalContext,
  institutionCode: string,
): Promise<void> {
  const institution = await findInstitution(ctx.handle, institutionCode);
  if (!institution) throw new AppError('NOT_FOUND', 'institution not found');
  await ctx.eligibility.registerInstitution({
    institutionCode,
    facilityType: institution.facility_type,
    name: institution.name,
  });
}
