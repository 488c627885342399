// 補助金申請: the amount comes from core's rule; receipts are stored files (type checked by content,
// size limited); the institution submits; operators approve or return (operator/routes.ts).
import { calculateSubsidy } from '@shikaku/core/subsidy';
import { findInstitution } from '@shikaku/db/portal/accounts';
import {
  applyForSubsidy,
  findSubsidyApplication,
  findSubsidyReceipt,
  insertSubsidyReceipt,
  listSubsidyApplications,
  listSubsidyReceipts,
  type SubsidyApplication,
  subsidyStanding,
  submitSubsidyApplication,
  withdrawSubsidyApplication,
} from '@shikaku/db/portal/subsidy-applications';
import { AppError } from '@shikaku/platform/errors';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAccount, requireInstitution } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { coreFacilityType, institutionTable } from '../facility-text.js';
import { SUBSIDY_STATUS_TEXT } from '../status-text.js';
import {
  errorSummary,
  type FieldErrors,
  type FormValues,
  formValues,
  inputField,
} from '../web/forms.js';
import { html, yen, jstDateTime } from '../web/html.js';
import { csrfField, type PageContext } from '../web/layout.js';
import { notFound, pageContext, sendPage } from '../web/render.js';
import { admitSubsidyApplication, type SubsidyRefusal } from './admission.js';
import { completion, steps } from '../web/complete.js';
import { sniffReceiptType } from './receipt-store.js';
import { parseCount } from '../web/width.js';
import { parseYen, SUBSIDY_ERROR_TEXT } from './text.js';

type IdParams = { Params: { id: string } };

export function parseId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound('application');
  return id;
}

export function subsidySummary(app: SubsidyApplication) {
  return html`<table>
    <tr>
      <th>申請番号</th>
      <td>${app.id}</td>
    </tr>
    <tr>
      <th>事業費（税込）</th>
      <td>${yen(app.project_cost)}</td>
    </tr>
    <tr>
      <th>導入台数</th>
      <td>${app.readers}台</td>
    </tr>
    <tr>
      <th>補助額</th>
      <td id="subsidy-amount"><strong>${yen(app.subsidy_amount)}</strong></td>
    </tr>
    <tr>
      <th>状況</th>
      <td id="subsidy-status">${SUBSIDY_STATUS_TEXT[app.status]}</td>
    </tr>
    ${
      app.decision_note
        ? html`<tr>
            <th>
              ${app.status === 'returned' ? '差し戻しの理由' : app.status === 'rejected' ? '不承認の理由' : '審査コメント'}
            </th>
            <td class="pre" id="decision-note">${app.decision_note}</td>
          </tr>`
        : ''
    }
  </table>`;
}

export function registerSubsidyRoutes(app: FastifyInstance, ctx: PortalContext): void {
  async function compute(request: FastifyRequest, values: FormValues) {
    const account = requireInstitution(request);
    const institution = await findInstitution(ctx.handle, account.institution_code);
    if (!institution) throw notFound('institution');
    const readers = parseCount(values.readers, 2);
    const result = calculateSubsidy({
      facilityType: coreFacilityType(institution),
      readers,
      cost: parseYen(values.projectCost),
    });
    const errors: FieldErrors = {};
    if (!result.ok) {
      const problem = SUBSIDY_ERROR_TEXT[result.reason];
      errors[problem.field] = problem.text;
    }
    return { account, result, errors, readers };
  }

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    preview: number | undefined,
    status = 200,
    refusal?: SubsidyRefusal,
  ) {
    const account = requireInstitution(request);
    const page = pageContext(request, reply, ctx.clock);
    const [applications, standing] = await Promise.all([
      listSubsidyApplications(ctx.handle, { institutionCode: account.institution_code }),
      subsidyStanding(ctx.handle, account.institution_code),
    ]);
    // What stops a new application now (the POST decides again, under the lock).
    const blocked = refusal ?? admitSubsidyApplication(standing, 1);
    return sendPage(
      reply,
      page,
      '補助金申請',
      html`<section>
          <h2>申請一覧</h2>
          ${
            applications.length === 0
              ? html`<p>まだ申請していません。</p>`
              : html`<table>
                  <tr>
                    <th>申請番号</th>
                    <th>事業費</th>
                    <th>台数</th>
                    <th>補助額</th>
                    <th>状況</th>
                  </tr>
                  ${applications.map(
                    (a) =>
                      html`<tr>
                        <td><a href="/subsidies/${a.id}">${a.id}</a></td>
                        <td class="num">${yen(a.project_cost)}</td>
                        <td class="num">${a.readers}</td>
                        <td class="num">${yen(a.subsidy_amount)}</td>
                        <td>${SUBSIDY_STATUS_TEXT[a.status]}</td>
                      </tr>`,
                  )}
                </table>`
          }
        </section>
        ${blocked && blocked.code !== 'READERS_NOT_APPLIED' ? refusalNotice(blocked, refusal !== undefined) : newApplicationForm()}`,
      status,
    );

    function newApplicationForm() {
      return html`<section>
        ${blocked ? refusalNotice(blocked, true) : ''}
        <h2>新しく申請する</h2>
        ${steps(1)}
        <p class="hint">
          補助金の申請は1施設につき1件です。申請できる台数は、申し込んだカードリーダー（取消を除く）${standing.readersApplied}台までです。
        </p>
        ${errorSummary(errors)}
        <form method="post" action="/subsidies" novalidate>
          ${csrfField(page)}
          ${inputField('projectCost', '事業費（円、税込）', values, errors, { required: true, hint: 'カードリーダー以外の導入費用（システム改修、ネットワーク整備等）の合計。全角・カンマ付きでも入力できます' })}
          ${inputField('readers', '導入したカードリーダーの台数', values, errors, { type: 'number', required: true })}
          ${preview === undefined ? '' : html`<p class="notice" id="subsidy-preview">補助額（計算結果）：<strong>${yen(preview)}</strong></p>`}
          <button type="submit" name="action" value="preview" class="secondary">
            補助額を計算する
          </button>
          <button type="submit" name="action" value="create">この内容で申請を作成する</button>
        </form>
      </section>`;
    }
  }

  app.get('/subsidies', (request, reply) =>
    listPage(request, reply, { readers: '1' }, {}, undefined),
  );

  app.post('/subsidies', async (request, reply) => {
    const values = formValues(request.body);
    const { account, result, errors, readers } = await compute(request, values);
    if (!result.ok) return listPage(request, reply, values, errors, undefined, 400);
    if (values.action === 'preview') {
      return listPage(request, reply, values, {}, result.value.subsidy);
    }
    const filed = await applyForSubsidy(
      ctx.handle,
      {
        institutionCode: account.institution_code,
        projectCost: parseYen(values.projectCost),
        readers,
        subsidyAmount: result.value.subsidy,
        at: ctx.clock.now(),
      },
      (standing) => admitSubsidyApplication(standing, readers),
    );
    if (!filed.ok) {
      const status = filed.refusal.code === 'DUPLICATE' ? 409 : 400;
      return listPage(request, reply, values, {}, undefined, status, filed.refusal);
    }
    return reply.redirect(`/subsidies/${filed.application.id}`, 303);
  });

  app.post<IdParams>('/subsidies/:id/withdraw', async (request, reply) => {
    const application = await own(request);
    if (!(await withdrawSubsidyApplication(ctx.handle, application.id, ctx.clock.now()))) {
      throw new AppError('CONFLICT', 'only a draft or returned application is withdrawn');
    }
    return reply.redirect('/subsidies', 303);
  });

  async function own(request: FastifyRequest<IdParams>): Promise<SubsidyApplication> {
    const account = requireInstitution(request);
    const found = await findSubsidyApplication(ctx.handle, parseId(request.params.id));
    if (!found || found.institution_code !== account.institution_code)
      throw notFound('application');
    return found;
  }

  async function detailPage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    error?: string,
    status = 200,
  ) {
    const application = await own(request);
    const page = pageContext(request, reply, ctx.clock);
    const receipts = await listSubsidyReceipts(ctx.handle, application.id);
    const editable = application.status === 'draft' || application.status === 'returned';
    return sendPage(
      reply,
      page,
      '補助金申請の詳細',
      html`${editable ? steps(1) : ''}
        <section>${subsidySummary(application)}</section>
        ${receiptList(application, receipts, `/subsidies/${application.id}`)}
        ${editable ? uploadForm(page, application.id, error, ctx.config.maxReceiptBytes) : ''}
        ${
          editable
            ? html`<section>
                ${
                  receipts.length === 0
                    ? html`<p class="hint" id="submit-needs-receipt">
                        提出には領収書の添付が必要です。添付すると確認画面へ進めます。
                      </p>`
                    : html`<p>
                        <a
                          class="button-link"
                          id="to-confirm"
                          href="/subsidies/${application.id}/confirm"
                          >提出内容の確認へ進む</a
                        >
                      </p>`
                }
                <form method="post" action="/subsidies/${application.id}/withdraw">
                  ${csrfField(page)}
                  <p class="hint">
                    取り下げると、この申請は審査されません。施設の補助金申請は1件のため、取り下げた後に改めて申請できます。
                  </p>
                  <button type="submit" class="secondary">この申請を取り下げる</button>
                </form>
              </section>`
            : ''
        }`,
      status,
    );
  }

  app.get<IdParams>('/subsidies/:id', (request, reply) => detailPage(request, reply));

  app.post<IdParams>('/subsidies/:id/receipts', async (request, reply) => {
    const application = await own(request);
    if (application.status !== 'draft' && application.status !== 'returned') {
      throw new AppError('CONFLICT', 'the application is not editable');
    }
    const file = (request.body as Record<string, unknown> | undefined)?.receipt as
      MultipartFile | undefined;
    if (!file || typeof file.toBuffer !== 'function' || !file.filename) {
      return detailPage(request, reply, '添付するファイルを選択してください。', 400);
    }
    const bytes = await file.toBuffer();
    const type = sniffReceiptType(bytes);
    if (!type)
      return detailPage(
        request,
        reply,
        '領収書は PDF、PNG、JPEG のいずれかで添付してください。',
        400,
      );
    const stored = await ctx.receipts.put(bytes);
    await insertSubsidyReceipt(ctx.handle, {
      applicationId: application.id,
      filename: file.filename.slice(0, 200),
      contentType: type,
      size: bytes.length,
      ...stored,
      at: ctx.clock.now(),
    });
    return reply.redirect(`/subsidies/${application.id}`, 303);
  });

  // 確認: what will be submitted (amount, readers, receipts), and the one button that submits it.
  app.get<IdParams>('/subsidies/:id/confirm', async (request, reply) => {
    const application = await own(request);
    if (application.status !== 'draft' && application.status !== 'returned') {
      return reply.redirect(`/subsidies/${application.id}`, 303);
    }
    const page = pageContext(request, reply, ctx.clock);
    const receipts = await listSubsidyReceipts(ctx.handle, application.id);
    if (receipts.length === 0) return reply.redirect(`/subsidies/${application.id}`, 303);
    const institution = await findInstitution(ctx.handle, application.institution_code);
    return sendPage(
      reply,
      page,
      '補助金申請（確認）',
      html`${steps(2)}
        <section id="confirmation">
          <p>
            次の内容で補助金申請を提出します。提出後は、差し戻しがない限り内容を変更できません。
          </p>
          ${institution ? institutionTable(institution) : ''} ${subsidySummary(application)}
        </section>
        ${receiptList(application, receipts, `/subsidies/${application.id}`)}
        <section>
          <form method="post" action="/subsidies/${application.id}/submit">
            ${csrfField(page)}<input type="hidden" name="confirm" value="1" />
            <button type="submit" id="submit-subsidy">この内容で提出する</button>
          </form>
          <p><a href="/subsidies/${application.id}">戻って修正する</a></p>
        </section>`,
    );
  });

  app.post<IdParams>('/subsidies/:id/submit', async (request, reply) => {
    const application = await own(request);
    if ((await listSubsidyReceipts(ctx.handle, application.id)).length === 0) {
      return detailPage(request, reply, '提出には領収書の添付が必要です。', 400);
    }
    // Only the confirmation page submits: a post from anywhere else is shown the 確認 step first.
    if (formValues(request.body).confirm !== '1') {
      return reply.redirect(`/subsidies/${application.id}/confirm`, 303);
    }
    if (!(await submitSubsidyApplication(ctx.handle, application.id, ctx.clock.now()))) {
      throw new AppError('CONFLICT', 'already submitted');
    }
    return reply.redirect(`/subsidies/${application.id}/complete`, 303);
  });

  app.get<IdParams>('/subsidies/:id/complete', async (request, reply) => {
    const application = await own(request);
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      '補助金申請（完了）',
      completion({
        kind: 'S',
        id: application.id,
        message: '補助金申請を受け付けました。',
        summary: html`${subsidySummary(application)}
          <p>審査の結果はメールでお知らせします。</p>`,
        next: { href: `/subsidies/${application.id}`, text: '申請の詳細を見る' },
      }),
    );
  });

  // Receipts: the institution that uploaded them, or an operator.
  app.get<{ Params: { id: string; receiptId: string } }>(
    '/subsidies/:id/receipts/:receiptId',
    async (request, reply) => {
      const account = requireAccount(request, 'institution', 'operator');
      const application = await findSubsidyApplication(ctx.handle, parseId(request.params.id));
      const receipt = await findSubsidyReceipt(ctx.handle, parseId(request.params.receiptId));
      if (
        !application ||
        !receipt ||
        receipt.application_id !== application.id ||
        (account.role === 'institution' &&
          application.institution_code !== account.institution_code)
      ) {
        throw notFound('receipt');
      }
      const bytes = await ctx.receipts.get(receipt.storage_key);
      return reply
        .header('content-type', receipt.content_type)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(receipt.filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
}

/** Why no new application can be filed, pointing at what to do instead. */
function refusalNotice(refusal: SubsidyRefusal, asError: boolean) {
  const cls = asError ? 'alert' : 'notice';
  switch (refusal.code) {
    case 'DUPLICATE':
      return html`<section
        class="${cls}"
        id="subsidy-refusal"
        role="${asError ? 'alert' : 'status'}"
      >
        <p>
          この施設の補助金申請はすでにあります（申請番号
          <a href="/subsidies/${refusal.existingId}">${refusal.existingId}</a
          >）。補助金の申請は1施設につき1件です。
        </p>
        <p>
          内容の確認・領収書の添付・提出は、<a href="/subsidies/${refusal.existingId}"
            >申請番号 ${refusal.existingId} のページ</a
          >から行ってください。
        </p>
      </section>`;
    case 'NO_READER_APPLICATION':
      return html`<section
        class="${cls}"
        id="subsidy-refusal"
        role="${asError ? 'alert' : 'status'}"
      >
        <p>
          カードリーダーのお申し込みがないため、補助金を申請できません。補助金は、申し込んだ顔認証付きカードリーダー（取消を除く）の台数について申請できます。
        </p>
        <p><a href="/readers">カードリーダーを申し込む</a></p>
      </section>`;
    case 'READERS_NOT_APPLIED':
      return html`<section class="${cls}" id="subsidy-refusal" role="alert">
        <p>
          導入台数が、申し込んだカードリーダー（取消を除く）の${refusal.applied}台を超えています。${refusal.applied}台以下で入力してください。
        </p>
      </section>`;
  }
}

export function receiptList(
  application: SubsidyApplication,
  receipts: ReadonlyArray<{ id: number; filename: string; size: number; uploaded_at: Date }>,
  base: string,
) {
  return html`<section>
    <h2>領収書</h2>
    ${
      receipts.length === 0
        ? html`<p>添付されていません。</p>`
        : html`<ul>
            ${receipts.map(
              (r) =>
                html`<li>
                  <a href="${base}/receipts/${r.id}">${r.filename}</a>（${Math.ceil(r.size / 1024)}
                  KB、${jstDateTime(r.uploaded_at)}）
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

function uploadForm(page: PageContext, id: number, error: string | undefined, maxBytes: number) {
  return html`<section>
    <h2>領収書を添付する</h2>
    <form method="post" action="/subsidies/${id}/receipts" enctype="multipart/form-data">
      ${csrfField(page)}
      <div class="${error ? 'field-error' : ''}">
        <label for="receipt"
          >ファイル（PDF・PNG・JPEG、${Math.floor(maxBytes / 1024 / 1024)}MBまで）</label
        >
        <input
          id="receipt"
          name="receipt"
          type="file"
          accept="application/pdf,image/png,image/jpeg"
        />
        ${error ? html`<p class="error">${error}</p>` : ''}
      </div>
      <button type="submit">添付する</button>
    </form>
  </section>`;
}
