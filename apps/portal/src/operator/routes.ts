// Operators (the fund's staff): the campaign dashboard, usage approvals, subsidy reviews, notices.
import { MODEL_SELECTION_DEADLINE } from '@shikaku/core/card-readers';
import { jstDate, jstStartOfDay } from '@shikaku/core/clock';
import { listUndecidedApplications } from '@shikaku/db/portal/reader-applications';
import { modelDeadline } from '../readers/text.js';
import { formatDate } from '../web/dates.js';
import { findInstitutionAccountEmail, listAccountsForNotices } from '@shikaku/db/portal/accounts';
import { funnelAt, type FunnelCount, funnelOverTime } from '@shikaku/db/portal/campaign';
import { insertNotice, listNotices } from '@shikaku/db/portal/mail';
import {
  decideSubsidyApplication,
  findSubsidyApplication,
  listSubsidyApplications,
  listSubsidyReceipts,
} from '@shikaku/db/portal/subsidy-applications';
import {
  approveUsageApplication,
  findUsageApplication,
  listUsageApplications,
  rejectUsageApplication,
  type UsageApplication,
} from '@shikaku/db/portal/usage-applications';
import { AppError } from '@shikaku/platform/errors';
import { PREFECTURES } from '@shikaku/synth/geography';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAccount } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { sameDecisionOrRefuse } from '../errors.js';
import { FACILITY_LABELS } from '../facility-text.js';
import {
  noticeMail,
  subsidyDecisionMail,
  usageApprovedMail,
  usageRejectedMail,
} from '../mail/templates.js';

import { SUBSIDY_STATUS_TEXT, USAGE_STATUS_TEXT } from '../status-text.js';
import { parseId, receiptList, subsidySummary } from '../subsidy/routes.js';
import { registerWithEligibility } from '../usage/routes.js';
import {
  errorSummary,
  type FieldErrors,
  type FormValues,
  formValues,
  inputField,
  textareaField,
} from '../web/forms.js';
import { html, jstDateTime, yen } from '../web/html.js';
import { confirmation } from '../web/confirmation.js';
import { csrfField } from '../web/layout.js';
import { notFound, pageContext, sendPage } from '../web/render.js';
import { funnelAreaChart, type Stage, STAGE_LABELS, STAGES, stackedBars } from './charts.js';

// The campaign's milestones (DESIGN.md: pre-operation from 2021-03-04, concentrated introduction
// from July 2021, full operation from 2021-10-20) and its target (~90% of institutions by March
// 2022).
const CAMPAIGN_MILESTONES = [
  { label: 'プレ運用開始', when: '2021年3月4日', from: '2021-03-04' },
  { label: '集中導入期間', when: '2021年7月〜', from: '2021-07-01' },
  { label: '本格運用開始', when: '2021年10月20日', from: '2021-10-20' },
] as const;
const TARGET = { by: '2022-03-31', share: 0.9 } as const;

const emptyCounts = (): Record<Stage, number> => ({
  not_applied: 0,
  applied: 0,
  preparing: 0,
  operating: 0,
});

function sumBy(
  counts: readonly FunnelCount[],
  key: (c: FunnelCount) => string,
): Map<string, Record<Stage, number>> {
  const out = new Map<string, Record<Stage, number>>();
  for (const c of counts) {
    const k = key(c);
    const row = out.get(k) ?? emptyCounts();
    row[c.stage] += c.count;
    out.set(k, row);
  }
  return out;
}

/** Month ends from February 2021 (the campaign's start) to today, at most 36 points. */
export function campaignDates(today: string): string[] {
  const dates: string[] = [];
  let year = 2021;
  let month = 2;
  while (dates.length < 36) {
    const end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    if (end >= today) break;
    dates.push(end);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  dates.push(today);
  return dates;
}

const SUBSIDY_DECISION_TEXT = {
  approved: '承認',
  returned: '差し戻し',
  rejected: '不承認',
} as const;

export function registerOperatorRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/operator', async (request, reply) => {
    requireAccount(request, 'operator', 'callcentre');
    const page = pageContext(request, reply, ctx.clock);
    const endOfDay = (d: string) => new Date(jstStartOfDay(d).getTime() + 86_399_999);
    const now = await funnelAt(ctx.handle, ctx.clock.now());
    const byType = sumBy(now, (c) => c.facilityType);
    const byPref = sumBy(now, (c) => c.prefecture);
    const total = sumBy(now, () => 'all').get('all') ?? emptyCounts();
    const dates = campaignDates(page.today);
    const instants = dates.map((d) => (d === page.today ? ctx.clock.now() : endOfDay(d)));
    const totals = await funnelOverTime(ctx.handle, instants);
    const series = dates.map((date, i) => ({ date, counts: totals[i] ?? emptyCounts() }));
    const all = STAGES.reduce((sum, s) => sum + total[s], 0);
    const typeRows = (Object.keys(FACILITY_LABELS) as Array<keyof typeof FACILITY_LABELS>).map(
      (t) => ({
        label: FACILITY_LABELS[t],
        counts: byType.get(t) ?? emptyCounts(),
      }),
    );
    const prefRows = PREFECTURES.map((p) => ({
      label: p.name,
      counts: byPref.get(String(p.code).padStart(2, '0')) ?? emptyCounts(),
    })).filter((r) => STAGES.some((s) => r.counts[s] > 0));
    // 機種未定 applications still open: before their deadline, and held at the consultation desk.
    const undecided = await listUndecidedApplications(ctx.handle);
    const heldAtDesk = undecided.filter(
      (a) => a.consultation_status === 'open' && page.today > modelDeadline(a),
    ).length;
    const beforeDeadline = undecided.filter((a) => page.today <= modelDeadline(a)).length;
    return sendPage(
      reply,
      page,
      'キャンペーン状況（全国）',
      html`<section id="milestones">
          <h2>キャンペーンの節目</h2>
          <table>
            ${CAMPAIGN_MILESTONES.map(
              (m) =>
                html`<tr>
                  <th>${m.label}</th>
                  <td>${m.when}</td>
                  <td>${page.today >= m.from ? '到来' : '予定'}</td>
                </tr>`,
            )}
          </table>
          <p>
            目標：${formatDate(TARGET.by)}までに医療機関等の約${TARGET.share * 100}%で導入（現在
            <strong id="operating-share"
              >${all ? ((total.operating / all) * 100).toFixed(1) : '0.0'}%</strong
            >
            が運用中）。表は CSV でも取得できます：<a href="/operator/campaign.csv?by=type"
              >施設の種類別</a
            >、<a href="/operator/campaign.csv?by=prefecture">都道府県別</a>。
          </p>
        </section>
        <section id="undecided-readers">
          <h2>機種未定の申込</h2>
          <p>
            期限前の機種未定：<strong id="undecided-count">${beforeDeadline}</strong>件（期限
            ${formatDate(MODEL_SELECTION_DEADLINE.extended)}、延長されたものはその日）／
            相談窓口で回答待ちのため保留：<strong id="held-count">${heldAtDesk}</strong>件 （<a
              href="/operator/consultations?status=open"
              >相談窓口へ</a
            >）
          </p>
        </section>
        <section>
          <h2>全国の導入状況（${page.today} 時点、${all.toLocaleString('ja-JP')} 施設）</h2>
          <table id="funnel-total">
            <tr>
              ${STAGES.map((s) => html`<th>${STAGE_LABELS[s]}</th>`)}
            </tr>
            <tr>
              ${STAGES.map((s) => html`<td class="num">${total[s].toLocaleString('ja-JP')}（${all ? ((total[s] / all) * 100).toFixed(1) : '0.0'}%）</td>`)}
            </tr>
          </table>
        </section>
        <section>
          <h2>推移</h2>
          ${funnelAreaChart(series, '導入状況の推移')}
        </section>
        <section>
          <h2>施設の種類別</h2>
          ${stackedBars(typeRows, '施設の種類別の導入状況')}
        </section>
        <section>
          <h2>都道府県別</h2>
          ${stackedBars(prefRows, '都道府県別の導入状況')}
          <details>
            <summary>表で見る</summary>
            <table>
              <tr>
                <th>都道府県</th>
                ${STAGES.map((s) => html`<th>${STAGE_LABELS[s]}</th>`)}
              </tr>
              ${prefRows.map(
                (r) =>
                  html`<tr>
                    <td>${r.label}</td>
                    ${STAGES.map((s) => html`<td class="num">${r.counts[s]}</td>`)}
                  </tr>`,
              )}
            </table>
          </details>
        </section>`,
    );
  });

  // Each dashboard table as CSV (UTF-8 with a BOM, so Excel in Japan opens it as UTF-8).
  app.get<{ Querystring: { by?: string } }>('/operator/campaign.csv', async (request, reply) => {
    requireAccount(request, 'operator', 'callcentre');
    const by = request.query.by === 'prefecture' ? 'prefecture' : 'type';
    const counts = await funnelAt(ctx.handle, ctx.clock.now());
    const rows =
      by === 'type'
        ? (Object.keys(FACILITY_LABELS) as Array<keyof typeof FACILITY_LABELS>).map((t) => ({
            label: FACILITY_LABELS[t],
            counts: sumBy(counts, (c) => c.facilityType).get(t) ?? emptyCounts(),
          }))
        : PREFECTURES.map((p) => ({
            label: p.name,
            counts:
              sumBy(counts, (c) => c.prefecture).get(String(p.code).padStart(2, '0')) ??
              emptyCounts(),
          }));
    const quote = (v: string | number) => `"${String(v).replaceAll('"', '""')}"`;
    const lines = [
      [by === 'type' ? '施設の種類' : '都道府県', ...STAGES.map((st) => STAGE_LABELS[st])],
      ...rows.map((r) => [r.label, ...STAGES.map((st) => r.counts[st])]),
    ].map((cells) => cells.map(quote).join(','));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="campaign-${by}-${jstDate(ctx.clock.now())}.csv"`,
      )
      .send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });

  // The same funnel as JSON, for scripts.
  app.get('/api/v1/campaign/funnel', async (request) => {
    requireAccount(request, 'operator', 'callcentre');
    return {
      at: ctx.clock.now().toISOString(),
      counts: await funnelAt(ctx.handle, ctx.clock.now()),
    };
  });

  // Usage applications ------------------------------------------------------------------------------
  app.get('/operator/usage', async (request, reply) => {
    requireAccount(request, 'operator');
    const page = pageContext(request, reply, ctx.clock);
    const rows = await listUsageApplications(ctx.handle, {});
    return sendPage(
      reply,
      page,
      '利用申請の審査',
      html`<section>
        <table>
          <tr>
            <th>申請番号</th>
            <th>医療機関コード</th>
            <th>名称</th>
            <th>申請日時</th>
            <th>状況</th>
            <th></th>
          </tr>
          ${rows.map(
            (r) =>
              html`<tr>
                <td>${r.id}</td>
                <td>${r.institution_code}</td>
                <td>${r.name}</td>
                <td>${jstDateTime(r.submitted_at)}</td>
                <td>${USAGE_STATUS_TEXT[r.status]}</td>
                <td>
                  ${
                    r.status === 'submitted'
                      ? html`<form
                            class="inline"
                            method="post"
                            action="/operator/usage/${r.id}/approve"
                          >
                            ${csrfField(page)}<button type="submit">承認</button>
                          </form>
                          <a class="button-link" href="/operator/usage/${r.id}/reject"
                            >却下する（理由を入力）</a
                          > `
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </table>
      </section>`,
    );
  });

  app.post<{ Params: { id: string } }>('/operator/usage/:id/approve', async (request, reply) => {
    const operator = requireAccount(request, 'operator');
    const id = parseId(request.params.id);
    const application = await findUsageApplication(ctx.handle, id);
    if (!application) throw notFound('usage application');
    const approved = (a: UsageApplication) => a.status === 'approved';
    if (application.status !== 'submitted') {
      sameDecisionOrRefuse(application, approved, 'the application was already decided');
      return reply.redirect('/operator/usage', 303);
    }
    // eligibility-api first: if it is down, nothing is marked approved.
    await registerWithEligibility(ctx, application.institution_code);
    const email = await findInstitutionAccountEmail(ctx.handle, application.institution_code);
    // The approval and its mail commit together: a retried approval mails nothing more.
    if (
      !(await approveUsageApplication(ctx.handle, {
        id: application.id,
        operatorId: operator.id,
        at: ctx.clock.now(),
        mails: email ? [usageApprovedMail(email)] : [],
      }))
    ) {
      const current = await findUsageApplication(ctx.handle, id);
      sameDecisionOrRefuse(current, approved, 'the application was already decided');
    }
    return reply.redirect('/operator/usage', 303);
  });

  // Rejection: a reason (required), then a confirmation page, then the decision (once); the facility
  // is mailed the reason and sees it on its page.
  async function usageRejectPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    requireAccount(request, 'operator');
    const application = await findUsageApplication(ctx.handle, parseId(request.params.id));
    if (!application) throw notFound('usage application');
    if (application.status !== 'submitted')
      throw new AppError('ALREADY_DECIDED', 'the application was already decided');
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      `利用申請の却下（申請番号 ${application.id}）`,
      html`${errorSummary(errors)}
        <section>
          <p>
            医療機関等コード ${application.institution_code}
            の利用申請を却下します。理由は施設にメールで通知され、施設の利用申請ページに表示されます。
          </p>
          <form method="post" action="/operator/usage/${application.id}/reject" novalidate>
            ${csrfField(page)}
            ${textareaField('reason', '却下の理由', values, errors, { required: true, maxLength: 500 })}
            <button type="submit">確認画面へ</button>
          </form>
          <p><a href="/operator/usage">一覧に戻る</a></p>
        </section>`,
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/operator/usage/:id/reject', (request, reply) =>
    usageRejectPage(request, reply, {}, {}),
  );

  app.post<{ Params: { id: string } }>('/operator/usage/:id/reject', async (request, reply) => {
    const operator = requireAccount(request, 'operator');
    const id = parseId(request.params.id);
    const application = await findUsageApplication(ctx.handle, id);
    if (!application) throw notFound('usage application');
    const values = formValues(request.body);
    const reason = (values.reason ?? '').slice(0, 500);
    const rejected = (a: UsageApplication) =>
      values.confirm === '1' && a.status === 'rejected' && a.decision_reason === reason;
    if (application.status !== 'submitted') {
      sameDecisionOrRefuse(application, rejected, 'the application was already decided');
      return reply.redirect('/operator/usage', 303);
    }
    if (!reason)
      return usageRejectPage(
        request,
        reply,
        values,
        { reason: '却下の理由を入力してください。' },
        400,
      );
    if (values.confirm !== '1') {
      const page = pageContext(request, reply, ctx.clock);
      return sendPage(
        reply,
        page,
        `利用申請の却下の確認（申請番号 ${id}）`,
        confirmation(page, {
          action: `/operator/usage/${id}/reject`,
          rows: [
            ['申請番号', String(id)],
            ['医療機関等コード', application.institution_code],
            ['判断', '却下'],
            ['理由', reason],
          ],
          hidden: { reason },
          submit: '却下を確定する',
          back: `/operator/usage/${id}/reject`,
        }),
      );
    }
    const email = await findInstitutionAccountEmail(ctx.handle, application.institution_code);
    // The rejection and its mail commit together.
    const ok = await rejectUsageApplication(ctx.handle, {
      id,
      operatorId: operator.id,
      reason,
      at: ctx.clock.now(),
      mails: email ? [usageRejectedMail(email, id, reason)] : [],
    });
    if (!ok) {
      const current = await findUsageApplication(ctx.handle, id);
      sameDecisionOrRefuse(current, rejected, 'the application was already decided');
    }
    return reply.redirect('/operator/usage', 303);
  });

  // Subsidies ----------------------------------------------------------------------------------------
  app.get('/operator/subsidies', async (request, reply) => {
    requireAccount(request, 'operator');
    const page = pageContext(request, reply, ctx.clock);
    const rows = await listSubsidyApplications(ctx.handle, {});
    return sendPage(
      reply,
      page,
      '補助金申請の審査',
      html`<section>
        <table>
          <tr>
            <th>申請番号</th>
            <th>医療機関コード</th>
            <th>名称</th>
            <th>補助額</th>
            <th>状況</th>
          </tr>
          ${rows.map(
            (r) =>
              html`<tr>
                <td><a href="/operator/subsidies/${r.id}">${r.id}</a></td>
                <td>${r.institution_code}</td>
                <td>${r.name}</td>
                <td class="num">${r.subsidy_amount.toLocaleString('ja-JP')}円</td>
                <td>${SUBSIDY_STATUS_TEXT[r.status]}</td>
              </tr>`,
          )}
        </table>
      </section>`,
    );
  });

  async function subsidyReview(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    requireAccount(request, 'operator');
    const application = await findSubsidyApplication(ctx.handle, parseId(request.params.id));
    if (!application) throw notFound('subsidy application');
    const page = pageContext(request, reply, ctx.clock);
    const receipts = await listSubsidyReceipts(ctx.handle, application.id);
    return sendPage(
      reply,
      page,
      `補助金申請の審査（${application.institution_code}）`,
      html`<section>${subsidySummary(application)}</section>
        ${receiptList(application, receipts, `/subsidies/${application.id}`)}
        ${
          application.status === 'submitted'
            ? html`<section>
                <form
                  method="post"
                  action="/operator/subsidies/${application.id}/decide"
                  novalidate
                >
                  ${csrfField(page)} ${errorSummary(errors)}
                  ${textareaField('note', 'コメント（差し戻し・不承認の場合は理由、必須）', values, errors, { maxLength: 500 })}
                  <button type="submit" name="decision" value="approved">承認する</button>
                  <button type="submit" name="decision" value="returned" class="secondary">
                    差し戻す
                  </button>
                  <button type="submit" name="decision" value="rejected" class="secondary">
                    不承認とする
                  </button>
                </form>
              </section>`
            : ''
        }`,
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/operator/subsidies/:id', (request, reply) =>
    subsidyReview(request, reply, {}, {}),
  );

  app.post<{ Params: { id: string } }>('/operator/subsidies/:id/decide', async (request, reply) => {
    const operator = requireAccount(request, 'operator');
    const values = formValues(request.body);
    const decision =
      values.decision === 'approved' ||
      values.decision === 'returned' ||
      values.decision === 'rejected'
        ? values.decision
        : undefined;
    const note = (values.note ?? '').slice(0, 500);
    if (!decision)
      return subsidyReview(
        request,
        reply,
        values,
        { note: '承認・差し戻し・不承認のいずれかを選んでください。' },
        400,
      );
    if (decision !== 'approved' && !note) {
      return subsidyReview(
        request,
        reply,
        values,
        {
          note:
            decision === 'returned'
              ? '差し戻しの理由を入力してください。'
              : '不承認の理由を入力してください。',
        },
        400,
      );
    }
    const id = parseId(request.params.id);
    if (values.confirm !== '1') {
      const application = await findSubsidyApplication(ctx.handle, id);
      if (!application) throw notFound('subsidy application');
      if (application.status !== 'submitted')
        throw new AppError('ALREADY_DECIDED', 'the application is not awaiting a decision');
      const page = pageContext(request, reply, ctx.clock);
      return sendPage(
        reply,
        page,
        `補助金申請の${SUBSIDY_DECISION_TEXT[decision]}の確認（申請番号 ${id}）`,
        confirmation(page, {
          action: `/operator/subsidies/${id}/decide`,
          rows: [
            ['申請番号', String(id)],
            ['医療機関等コード', application.institution_code],
            ['補助額', yen(application.subsidy_amount)],
            ['判断', SUBSIDY_DECISION_TEXT[decision]],
            [decision === 'approved' ? 'コメント' : '理由', note || '（なし）'],
          ],
          hidden: { decision, note },
          submit: `${SUBSIDY_DECISION_TEXT[decision]}を確定する`,
          back: `/operator/subsidies/${id}`,
        }),
      );
    }
    const found = await findSubsidyApplication(ctx.handle, id);
    if (!found) throw notFound('subsidy application');
    const email = await findInstitutionAccountEmail(ctx.handle, found.institution_code);
    // The decision and its mail commit together: a retried decision mails nothing more.
    const decided = await decideSubsidyApplication(ctx.handle, {
      id,
      status: decision,
      note,
      at: ctx.clock.now(),
      operatorId: operator.id,
      mails: email ? [subsidyDecisionMail(email, decision, id, note)] : [],
    });
    if (!decided.ok) {
      if (decided.reason === 'not-found') throw notFound('subsidy application');
      if (decided.reason === 'readers-not-applied') {
        return subsidyReview(
          request,
          reply,
          values,
          {
            note: '申請の台数が、取消を除いて申し込まれているカードリーダーの台数を超えているため承認できません。理由を記入して差し戻すか不承認にしてください。',
          },
          409,
        );
      }
      const current = await findSubsidyApplication(ctx.handle, id);
      sameDecisionOrRefuse(
        current,
        (a) => a.status === decision && (a.decision_note ?? '') === note,
        'the application is not awaiting a decision',
      );
    }
    return reply.redirect(`/operator/subsidies/${id}`, 303);
  });

  // Latest-information notices, mailed to every verified institution account ------------------------
  async function noticesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    sent?: number,
    status = 200,
  ) {
    requireAccount(request, 'operator');
    const page = pageContext(request, reply, ctx.clock);
    const notices = await listNotices(ctx.handle, 20);
    return sendPage(
      reply,
      page,
      'お知らせ配信',
      html`${sent === undefined ? '' : html`<p class="notice">お知らせを掲載し、${sent}件のメールを送信キューに入れました。</p>`}
        <section>
          <form method="post" action="/operator/notices" novalidate>
            ${csrfField(page)} ${inputField('title', '件名', values, errors)}
            ${inputField('body', '本文', values, errors)}
            <button type="submit">掲載してメールで配信する</button>
          </form>
        </section>
        <section>
          <h2>これまでのお知らせ</h2>
          <ul>
            ${notices.map((n) => html`<li>${jstDate(n.published_at)} ${n.title}</li>`)}
          </ul>
        </section>`,
      status,
    );
  }

  app.get('/operator/notices', (request, reply) => noticesPage(request, reply, {}, {}));

  app.post('/operator/notices', async (request, reply) => {
    requireAccount(request, 'operator');
    const values = formValues(request.body);
    const errors: FieldErrors = {};
    if (!values.title) errors.title = '件名を入力してください。';
    else if (values.title.length > 100) errors.title = '件名は100文字以内で入力してください。';
    if (!values.body) errors.body = '本文を入力してください。';
    if (errors.title || errors.body)
      return noticesPage(request, reply, values, errors, undefined, 400);
    const now = ctx.clock.now();
    const title = values.title ?? '';
    const body = (values.body ?? '').slice(0, 4000);
    const recipients = await listAccountsForNotices(ctx.handle);
    // The notice and its mails commit together.
    await insertNotice(
      ctx.handle,
      { title, body, publishedAt: now },
      recipients.map((r) => noticeMail(r.email, title, body)),
    );
    return noticesPage(request, reply, {}, {}, recipients.length);
  });
}
