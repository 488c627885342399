// 相談窓口 (the consultation desk) for 機種未定 applications with a special reason: a queue for
// operators and the call centre, a thread of replies the facility sees and is mailed about, and the
// operator's decision (extend this application's deadline to a date, or decline) that the deadline
// job respects (jobs/reader-deadline.ts).
import { jstDate } from '@shikaku/core/clock';
import type { ConsultationStatus } from '@shikaku/db/portal/tables';
import {
  type ConsultationDecision,
  decideConsultation,
  listConsultationMessages,
  listConsultations,
  replyToConsultation,
} from '@shikaku/db/portal/consultations';
import { findInstitutionAccountEmail } from '@shikaku/db/portal/accounts';
import {
  findReaderApplication,
  type ReaderApplication,
} from '@shikaku/db/portal/reader-applications';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAccount } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { sameDecisionOrRefuse } from '../errors.js';
import { consultationDecisionMail, consultationReplyMail } from '../mail/templates.js';
import { modelDeadline, modelLabel, statusText } from '../readers/text.js';
import { confirmation } from '../web/confirmation.js';
import { formatDate, formatDateTime, parseDateInput } from '../web/dates.js';
import {
  errorSummary,
  type FieldErrors,
  type FormValues,
  formValues,
  inputField,
  requiredMark,
  textareaField,
} from '../web/forms.js';
import { html } from '../web/html.js';
import { csrfField } from '../web/layout.js';
import { notFound, pageContext, sendPage } from '../web/render.js';
import { checkExtension, type ExtensionProblem, LATEST_EXTENSION } from './decision.js';
import { consultationThread } from './view.js';

type IdParams = { Params: { id: string } };

export const CONSULTATION_STATUS_TEXT: Record<ConsultationStatus, string> = {
  open: '回答待ち',
  extended: '期限を延長',
  declined: '延長しない',
};

const EXTENSION_TEXT: Record<ExtensionProblem, string> = {
  NOT_A_DATE: '延長後の期限を「2021年8月31日」の形で入力してください。',
  NOT_LATER: '延長後の期限は、現在の期限より後の日付にしてください。',
  IN_THE_PAST: '延長後の期限は、本日以降の日付にしてください。',
  TOO_LATE: `延長後の期限は${formatDate(LATEST_EXTENSION)}までにしてください。`,
};

/** Whether a confirmed decision form repeats the decision the application already has. */
function decidedAs(application: ReaderApplication, values: FormValues): boolean {
  if (values.confirm !== '1') return false;
  const note = (values.note ?? '').slice(0, 500);
  if ((application.consultation_decision_note ?? '') !== note) return false;
  if (values.decision === 'extend')
    return (
      application.consultation_status === 'extended' &&
      application.model_deadline === parseDateInput(values.until)
    );
  return values.decision === 'decline' && application.consultation_status === 'declined';
}

function parseId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound('consultation');
  return id;
}

export function registerConsultationRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get<{ Querystring: { status?: string } }>(
    '/operator/consultations',
    async (request, reply) => {
      requireAccount(request, 'operator', 'callcentre');
      const page = pageContext(request, reply, ctx.clock);
      const status = (['open', 'extended', 'declined'] as const).find(
        (s) => s === request.query.status,
      );
      const rows = await listConsultations(ctx.handle, status ? { status } : {});
      const tabs: Array<[string, string]> = [
        ['', 'すべて'],
        ['open', '回答待ち'],
        ['extended', '延長済み'],
        ['declined', '延長しない'],
      ];
      return sendPage(
        reply,
        page,
        '相談窓口（機種未定の申込）',
        html`<section>
          <p>
            ${tabs.map(([value, label]) =>
              (status ?? '') === value
                ? html`<strong>${label}</strong> `
                : html`<a href="/operator/consultations${value ? `?status=${value}` : ''}"
                    >${label}</a
                  > `,
            )}
          </p>
          ${
            rows.length === 0
              ? html`<p id="no-consultations">該当する相談はありません。</p>`
              : html`<div class="scroll">
                  <table id="consultation-queue">
                    <tr>
                      <th>申込番号</th>
                      <th>医療機関等コード</th>
                      <th>名称</th>
                      <th>相談の事情</th>
                      <th>機種選定期限</th>
                      <th>最終やりとり</th>
                      <th>状況</th>
                    </tr>
                    ${rows.map(
                      (r) =>
                        html`<tr>
                          <td><a href="/operator/consultations/${r.id}">${r.id}</a></td>
                          <td>${r.institution_code}</td>
                          <td>${r.name}</td>
                          <td>${r.consultation_reason ?? ''}</td>
                          <td>${formatDate(modelDeadline(r))}</td>
                          <td>
                            ${r.last_message_at ? formatDateTime(r.last_message_at) : ''}（${r.messages}件）
                          </td>
                          <td>
                            ${r.status === 'cancelled' ? '申込取消' : CONSULTATION_STATUS_TEXT[r.consultation_status ?? 'open']}
                          </td>
                        </tr>`,
                    )}
                  </table>
                </div>`
          }
        </section>`,
      );
    },
  );

  async function deskPage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const account = requireAccount(request, 'operator', 'callcentre');
    const application = await findReaderApplication(ctx.handle, parseId(request.params.id));
    if (!application || !application.consultation_status) throw notFound('consultation');
    const page = pageContext(request, reply, ctx.clock);
    const messages = await listConsultationMessages(ctx.handle, application.id);
    const open = application.consultation_status === 'open' && application.status === 'active';
    return sendPage(
      reply,
      page,
      `相談窓口：申込番号 ${application.id}（${application.institution_code}）`,
      html`${errorSummary(errors)}
        <section>
          <table>
            <tr>
              <th>メーカー・製品名（型番）</th>
              <td>${modelLabel(application.model)}</td>
            </tr>
            <tr>
              <th>台数</th>
              <td>${application.quantity}台</td>
            </tr>
            <tr>
              <th>申込の状況</th>
              <td id="status">${statusText(application, page.today)}</td>
            </tr>
            <tr>
              <th>相談の状況</th>
              <td id="consultation-status">
                ${CONSULTATION_STATUS_TEXT[application.consultation_status]}${
                  application.consultation_decision_note
                    ? html`（${application.consultation_decision_note}）`
                    : ''
                }
              </td>
            </tr>
          </table>
          <p>
            <a href="/operator/readers/${application.id}">申込の詳細と履歴（コールセンター）</a>
          </p>
        </section>
        ${consultationThread(messages)}
        ${
          application.status === 'active'
            ? html`<section>
                <h2>施設に回答する</h2>
                <form
                  method="post"
                  action="/operator/consultations/${application.id}/replies"
                  novalidate
                >
                  ${csrfField(page)}
                  ${textareaField('body', '回答', values, errors, { required: true, maxLength: 2000, hint: '施設の申込ページに表示され、メールでも通知されます。' })}
                  <button type="submit">回答を送る</button>
                </form>
              </section>`
            : ''
        }
        ${
          open && account.role === 'operator'
            ? html`<section>
                <h2>判断する</h2>
                <form
                  method="post"
                  action="/operator/consultations/${application.id}/decision"
                  novalidate
                >
                  ${csrfField(page)}
                  <fieldset>
                    <legend>判断${requiredMark}</legend>
                    <label
                      ><input
                        type="radio"
                        name="decision"
                        value="extend"
                        ${values.decision === 'extend' ? html` checked` : ''}
                      />
                      この申込の機種選定期限を延長する</label
                    >
                    <label
                      ><input
                        type="radio"
                        name="decision"
                        value="decline"
                        ${values.decision === 'decline' ? html` checked` : ''}
                      />
                      延長しない</label
                    >
                    ${errors.decision ? html`<p class="error" id="decision-error">${errors.decision}</p>` : ''}
                  </fieldset>
                  ${inputField('until', '延長後の期限（延長する場合）', values, errors, { hint: `例：2021年8月31日（現在の期限 ${formatDate(modelDeadline(application))} より後、${formatDate(LATEST_EXTENSION)}まで）` })}
                  ${textareaField('note', '施設への説明（延長しない場合は理由、必須）', values, errors, { maxLength: 500 })}
                  <button type="submit">確認画面へ</button>
                </form>
              </section>`
            : ''
        }
        <p><a href="/operator/consultations">相談の一覧に戻る</a></p>`,
      status,
    );
  }

  app.get<IdParams>('/operator/consultations/:id', (request, reply) =>
    deskPage(request, reply, {}, {}),
  );

  app.post<IdParams>('/operator/consultations/:id/replies', async (request, reply) => {
    const account = requireAccount(request, 'operator', 'callcentre');
    const id = parseId(request.params.id);
    const values = formValues(request.body);
    const body = (values.body ?? '').slice(0, 2000);
    if (!body) return deskPage(request, reply, values, { body: '回答を入力してください。' }, 400);
    const application = await findReaderApplication(ctx.handle, id);
    if (!application || application.status !== 'active') throw notFound('consultation');
    const email = await findInstitutionAccountEmail(ctx.handle, application.institution_code);
    // The reply and its mail commit together.
    const replied = await replyToConsultation(ctx.handle, {
      applicationId: id,
      author: account.role === 'operator' ? 'operator' : 'callcentre',
      accountId: account.id,
      body,
      at: ctx.clock.now(),
      mails: email ? [consultationReplyMail(email, id, body)] : [],
    });
    if (!replied) throw notFound('consultation');
    return reply.redirect(`/operator/consultations/${id}`, 303);
  });

  app.post<IdParams>('/operator/consultations/:id/decision', async (request, reply) => {
    const account = requireAccount(request, 'operator');
    const id = parseId(request.params.id);
    const application = await findReaderApplication(ctx.handle, id);
    if (!application || !application.consultation_status) throw notFound('consultation');
    const values = formValues(request.body);
    const same = (a: ReaderApplication) => decidedAs(a, values);
    if (application.consultation_status !== 'open' || application.status !== 'active') {
      sameDecisionOrRefuse(application, same, 'the consultation was already decided');
      return reply.redirect(`/operator/consultations/${id}`, 303);
    }
    const note = (values.note ?? '').slice(0, 500);
    const today = jstDate(ctx.clock.now());
    const errors: FieldErrors = {};
    let decision: ConsultationDecision | undefined;
    if (values.decision === 'extend') {
      const until = parseDateInput(values.until);
      const problem = checkExtension(until, today, modelDeadline(application));
      if (problem || !until) errors.until = EXTENSION_TEXT[problem ?? 'NOT_A_DATE'];
      else decision = { kind: 'extend', until, note };
    } else if (values.decision === 'decline') {
      if (!note) errors.note = '延長しない理由を入力してください。';
      else decision = { kind: 'decline', note };
    } else {
      errors.decision = '期限を延長するか、延長しないかを選んでください。';
    }
    if (!decision) return deskPage(request, reply, values, errors, 400);
    if (values.confirm !== '1') {
      const page = pageContext(request, reply, ctx.clock);
      return sendPage(
        reply,
        page,
        `相談窓口の判断の確認（申込番号 ${id}）`,
        confirmation(page, {
          action: `/operator/consultations/${id}/decision`,
          rows: [
            ['申込番号', String(id)],
            ['医療機関等コード', application.institution_code],
            [
              '判断',
              decision.kind === 'extend'
                ? `機種選定期限を${formatDate(decision.until)}まで延長する`
                : '延長しない',
            ],
            [decision.kind === 'extend' ? '施設への説明' : '理由', note || '（なし）'],
          ],
          hidden: {
            decision: values.decision ?? '',
            until: decision.kind === 'extend' ? decision.until : '',
            note,
          },
          submit: '判断を確定する',
          back: `/operator/consultations/${id}`,
        }),
      );
    }
    const email = await findInstitutionAccountEmail(ctx.handle, application.institution_code);
    const mailed =
      decision.kind === 'extend' ? { ...decision, until: formatDate(decision.until) } : decision;
    // The decision and its mail commit together: a retried decision mails nothing more.
    const decided = await decideConsultation(ctx.handle, {
      ...decision,
      applicationId: id,
      accountId: account.id,
      at: ctx.clock.now(),
      mails: email ? [consultationDecisionMail(email, id, mailed)] : [],
      detail:
        decision.kind === 'extend'
          ? `機種選定期限を${formatDate(decision.until)}まで延長${note ? `（${note}）` : ''}`
          : note,
    });
    if (!decided.ok) {
      const current = await findReaderApplication(ctx.handle, id);
      sameDecisionOrRefuse(current, same, 'the consultation was already decided');
    }
    return reply.redirect(`/operator/consultations/${id}`, 303);
  });
}
