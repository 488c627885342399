// 利用申請: an institution applies; an operator approves (the institution is registered with
// eligibility-api); the institution then issues its credentials, whose secret is shown once and
// never stored here. Rotation issues a new one and revokes the old; revocation is per client id.
import { findInstitution } from '@shikaku/db/portal/accounts';
import {
  insertCredential,
  isUsageApproved,
  listCredentials,
  listUsageApplications,
  revokeCredential,
  submitUsageApplication,
} from '@shikaku/db/portal/usage-applications';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { requireInstitution } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { USAGE_STATUS_TEXT } from '../status-text.js';
import { html, jstDateTime } from '../web/html.js';
import { csrfField, type PageContext } from '../web/layout.js';
import { pageContext, sendPage } from '../web/render.js';
import type { IssuedCredential } from './eligibility-client.js';

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
                        <td>${USAGE_STATUS_TEXT[a.status]}</td>
                      </tr>`,
                  )}
                </table>`
          }
          ${open ? '' : html`<form method="post" action="/usage">${csrfField(page)}<button type="submit">オンライン資格確認の利用を申請する</button></form>`}
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
                <form method="post" action="/usage/credentials">
                  ${csrfField(page)}<button type="submit">
                    ${
                      active.length === 0
                        ? '認証情報を発行する'
                        : '認証情報を更新する（新しい認証情報を発行し、現在のものを失効）'
                    }
                  </button>
                </form>
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
    return reply.redirect('/usage', 303);
  });

  // Issue (or rotate): the new secret is shown in this response only.
  app.post('/usage/credentials', async (request, reply) => {
    const account = requireInstitution(request);
    const code = account.institution_code;
    if (!(await isUsageApproved(ctx.handle, code))) {
      throw new AppError('FORBIDDEN', 'usage application not approved');
    }
    const previous = (await listCredentials(ctx.handle, code)).filter((c) => !c.revoked_at);
    const issued = await ctx.eligibility.issueCredential(code);
    const now = ctx.clock.now();
    await insertCredential(ctx.handle, {
      clientId: issued.clientId,
      institutionCode: code,
      at: now,
    });
    for (const old of previous) {
      await ctx.eligibility.revokeCredential(code, old.client_id);
      await revokeCredential(ctx.handle, {
        clientId: old.client_id,
        institutionCode: code,
        at: now,
      });
    }
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      '認証情報を発行しました',
      secretPage(page, issued, ctx.config.eligibilityApiUrl),
    );
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
