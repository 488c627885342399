// カードリーダー申込 (institution) and the call centre's record of model changes made by phone.
import { jstDate } from '@shikaku/core/clock';
import {
  canChooseModel,
  checkReaderApplication,
  isReaderModelId,
  MODEL_UNDECIDED,
} from '@shikaku/core/card-readers';
import { findInstitution, type Institution } from '@shikaku/db/portal/accounts';
import {
  applyForReaders,
  changeReaderModel,
  findReaderApplication,
  listReaderApplicationEvents,
  listReaderApplications,
  type ReaderActor,
  type ReaderAdmission,
  type ReaderApplication,
  searchReaderApplications,
  setConsultation,
} from '@shikaku/db/portal/reader-applications';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAccount, requireInstitution } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { coreFacilityType } from '../facility-text.js';
import {
  errorSummary,
  type FieldErrors,
  type FormValues,
  formValues,
  inputField,
  selectField,
} from '../web/forms.js';
import { completion, steps } from '../web/complete.js';
import { formatDate } from '../web/dates.js';
import { html } from '../web/html.js';
import { csrfField } from '../web/layout.js';
import { notFound, pageContext, sendPage } from '../web/render.js';
import {
  appliedDetail,
  applicationStatus,
  MODEL_CHOICES,
  modelChoice,
  modelChangeDetail,
  modelLabel,
  modelDeadline,
  READER_ERROR_TEXT,
  statusText,
  UNDECIDED_CHOICE,
} from './text.js';
import { registerConsultationRoutes } from '../consultation/routes.js';
import { readerApplicationDetail } from './view.js';
import { normalizeCode, parseCount } from '../web/width.js';
import { listConsultationMessages } from '@shikaku/db/portal/consultations';

type IdParams = { Params: { id: string } };

function parseId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound('application');
  return id;
}

export function registerReaderRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const today = () => jstDate(ctx.clock.now());
  // The desk belongs to the reader applications it answers; its routes are mounted with them.
  registerConsultationRoutes(app, ctx);

  async function ownApplication(request: FastifyRequest<IdParams>): Promise<ReaderApplication> {
    const account = requireInstitution(request);
    const found = await findReaderApplication(ctx.handle, parseId(request.params.id));
    // Another institution's application is not found, not forbidden: ids reveal nothing.
    if (!found || found.institution_code !== account.institution_code)
      throw notFound('application');
    return found;
  }

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const account = requireInstitution(request);
    const page = pageContext(request, reply, ctx.clock);
    const applications = await listReaderApplications(ctx.handle, account.institution_code);
    return sendPage(
      reply,
      page,
      '顔認証付きカードリーダー申込',
      html`<section>
          <h2>申込一覧</h2>
          ${
            applications.length === 0
              ? html`<p>まだ申し込んでいません。</p>`
              : html`<table>
                  <tr>
                    <th>申込番号</th>
                    <th>メーカー・製品名（型番）</th>
                    <th>台数</th>
                    <th>状況</th>
                  </tr>
                  ${applications.map(
                    (a) =>
                      html`<tr>
                        <td><a href="/readers/${a.id}">${a.id}</a></td>
                        <td>${modelLabel(a.model)}</td>
                        <td class="num">${a.quantity}</td>
                        <td>${statusText(a, page.today)}</td>
                      </tr>`,
                  )}
                </table>`
          }
        </section>
        <section>
          <h2 id="apply">新しく申し込む</h2>
          ${steps(1)} ${errorSummary(errors)}
          <form method="post" action="/readers/confirm" novalidate>
            ${csrfField(page)}
            ${selectField('model', 'メーカー・製品名（型番）', [['', '選択してください'], ...MODEL_CHOICES, UNDECIDED_CHOICE], values, errors, undefined, true)}
            ${inputField('quantity', '台数', values, errors, { type: 'number', required: true, hint: '無償提供は病院3台まで、診療所・薬局は1台まで' })}
            ${inputField('consultationReason', '相談窓口への相談（特別な事情がある場合のみ）', values, errors)}
            <button type="submit">確認画面へ</button>
          </form>
        </section>`,
      status,
    );
  }

  app.get('/readers', (request, reply) => listPage(request, reply, { quantity: '1' }, {}));

  /** The rule for a new application given the institution's applications so far (pure). */
  function admit(
    values: FormValues,
    institution: Institution,
    existing: readonly ReaderApplication[],
    day: string,
  ): ReaderAdmission<FieldErrors> {
    const quantity = parseCount(values.quantity);
    if (!values.model) return { ok: false, refusal: { model: '機種を選択してください。' } };
    const alreadyApplied = existing
      .filter((a) => applicationStatus(a, day) !== 'cancelled')
      .reduce((sum, a) => sum + a.quantity, 0);
    const check = checkReaderApplication({
      facilityType: coreFacilityType(institution),
      units: Number.isNaN(quantity) ? quantity : alreadyApplied + quantity,
      model: values.model,
      appliedOn: day,
    });
    if (!check.ok || quantity < 1) {
      const code = check.ok ? 'INVALID_READER_COUNT' : check.code;
      const field = check.ok || check.field === 'units' ? 'quantity' : 'model';
      return { ok: false, refusal: { [field]: READER_ERROR_TEXT[code] } };
    }
    return {
      ok: true,
      application: {
        model: check.model === MODEL_UNDECIDED ? null : check.model,
        quantity,
        consultationReason: values.consultationReason?.slice(0, 500) || null,
        at: ctx.clock.now(),
        detail: appliedDetail(check.model, quantity),
      },
    };
  }

  async function institutionOf(request: FastifyRequest) {
    const account = requireInstitution(request);
    const institution = await findInstitution(ctx.handle, account.institution_code);
    if (!institution) throw notFound('institution');
    return institution;
  }

  // 確認: the same rule, without writing; the confirmation page posts to /readers.
  app.post('/readers/confirm', async (request, reply) => {
    const institution = await institutionOf(request);
    const values = formValues(request.body);
    if (values.action === 'edit') return listPage(request, reply, values, {});
    const existing = await listReaderApplications(ctx.handle, institution.institution_code);
    const checked = admit(values, institution, existing, today());
    if (!checked.ok) return listPage(request, reply, values, checked.refusal, 400);
    const page = pageContext(request, reply, ctx.clock);
    const hidden = (name: string) =>
      html`<input type="hidden" name="${name}" value="${values[name] ?? ''}" />`;
    return sendPage(
      reply,
      page,
      'カードリーダー申込（確認）',
      html`${steps(2)}
        <section id="confirmation">
          <p>次の内容で申し込みます。よろしければ「申し込む」を押してください。</p>
          <table>
            <tr>
              <th>メーカー・製品名（型番）</th>
              <td>${modelLabel(checked.application.model)}</td>
            </tr>
            <tr>
              <th>台数</th>
              <td>${checked.application.quantity}台</td>
            </tr>
            <tr>
              <th>相談窓口への相談</th>
              <td class="pre">${checked.application.consultationReason ?? 'なし'}</td>
            </tr>
          </table>
          <form method="post" action="/readers">
            ${csrfField(page)} ${hidden('model')} ${hidden('quantity')}
            ${hidden('consultationReason')}
            <button type="submit">申し込む</button>
          </form>
          <form method="post" action="/readers/confirm">
            ${csrfField(page)} ${hidden('model')} ${hidden('quantity')}
            ${hidden('consultationReason')}
            <button type="submit" name="action" value="edit" class="secondary">
              入力画面に戻って修正する
            </button>
          </form>
        </section>`,
    );
  });

  // 申込: decided under the institution's lock, against what it applied for so far (concurrent
  // applications cannot each see room under the quota); then the 完了 page.
  app.post('/readers', async (request, reply) => {
    const institution = await institutionOf(request);
    const values = formValues(request.body);
    const day = today();
    const outcome = await applyForReaders(ctx.handle, institution.institution_code, (existing) =>
      admit(values, institution, existing, day),
    );
    if (!outcome.ok) return listPage(request, reply, values, outcome.refusal, 400);
    return reply.redirect(`/readers/${outcome.application.id}/complete`, 303);
  });

  app.get<IdParams>('/readers/:id/complete', async (request, reply) => {
    const application = await ownApplication(request);
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      'カードリーダー申込（完了）',
      completion({
        kind: 'R',
        id: application.id,
        message: '顔認証付きカードリーダーのお申し込みを受け付けました。',
        summary: html`<table>
            <tr>
              <th>メーカー・製品名（型番）</th>
              <td>${modelLabel(application.model)}</td>
            </tr>
            <tr>
              <th>台数</th>
              <td>${application.quantity}台</td>
            </tr>
            <tr>
              <th>状況</th>
              <td id="status">${statusText(application, page.today)}</td>
            </tr>
          </table>
          ${application.model === null ? html`<p>機種は、期限（${formatDate(modelDeadline(application))}）までに申込の詳細ページで選定してください。</p>` : ''}`,
        next: { href: `/readers/${application.id}`, text: '申込の詳細を見る' },
      }),
    );
  });

  async function detailPage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const application = await ownApplication(request);
    const page = pageContext(request, reply, ctx.clock);
    const [events, messages] = await Promise.all([
      listReaderApplicationEvents(ctx.handle, application.id),
      listConsultationMessages(ctx.handle, application.id),
    ]);
    return sendPage(
      reply,
      page,
      'カードリーダー申込の詳細',
      readerApplicationDetail(page, application, events, {
        action: `/readers/${application.id}/model`,
        consultationAction: `/readers/${application.id}/consultation`,
        values,
        errors,
        messages,
      }),
      status,
    );
  }

  app.get<IdParams>('/readers/:id', (request, reply) => detailPage(request, reply, {}, {}));

  /** A model change by the institution or, by phone, the call centre: the same rule for both. */
  async function changeModel(
    application: ReaderApplication,
    values: FormValues,
    actor: ReaderActor,
  ): Promise<string | undefined> {
    const day = today();
    // canChooseModel against the application's own deadline (the desk may have extended it).
    if (
      applicationStatus(application, day) === 'cancelled' ||
      (!canChooseModel(modelChoice(application.model), day, modelDeadline(application)) &&
        application.consultation_status !== 'open')
    ) {
      return 'この申込は取り消されているため、機種を変更できません。';
    }
    const model = values.model ?? '';
    if (!isReaderModelId(model)) return '機種を一覧から選択してください。';
    if (model === application.model) return '現在と同じ機種です。';
    await changeReaderModel(ctx.handle, {
      id: application.id,
      model,
      actor,
      at: ctx.clock.now(),
      describe: modelChangeDetail(model),
      staffNote: actor === 'callcentre' ? values.note?.slice(0, 200) : null,
    });
    return undefined;
  }

  app.post<IdParams>('/readers/:id/model', async (request, reply) => {
    const application = await ownApplication(request);
    const values = formValues(request.body);
    const problem = await changeModel(application, values, 'institution');
    if (problem) return detailPage(request, reply, values, { model: problem }, 400);
    return reply.redirect(`/readers/${application.id}`, 303);
  });

  app.post<IdParams>('/readers/:id/consultation', async (request, reply) => {
    const application = await ownApplication(request);
    const values = formValues(request.body);
    const reason = (values.reason ?? '').slice(0, 500);
    if (!reason)
      return detailPage(
        request,
        reply,
        values,
        { reason: '相談したい事情を入力してください。' },
        400,
      );
    const account = requireInstitution(request);
    const added = await setConsultation(ctx.handle, {
      id: application.id,
      reason,
      actor: 'institution',
      accountId: account.id,
      at: ctx.clock.now(),
    });
    if (!added)
      return detailPage(
        request,
        reply,
        values,
        {
          reason:
            '相談窓口の回答が済んでいるか、申込が取り消されています。コールセンターにお問い合わせください。',
        },
        409,
      );
    return reply.redirect(`/readers/${application.id}`, 303);
  });

  // Call centre (and operators): search by institution code, record a model change made by phone.
  app.get<{ Querystring: { code?: string; q?: string } }>(
    '/operator/readers',
    async (request, reply) => {
      requireAccount(request, 'callcentre', 'operator');
      const page = pageContext(request, reply, ctx.clock);
      // One box: a code in either width (hyphens, spaces allowed), else a part of the name.
      const typed = (request.query.q ?? request.query.code ?? '').trim();
      const asCode = normalizeCode(typed);
      const byCode = /^\d+$/.test(asCode) ? asCode : undefined;
      const byName = byCode || !typed ? undefined : typed.normalize('NFKC').replace(/\s+/g, '');
      const rows = await searchReaderApplications(ctx.handle, byCode, 500, byName);
      return sendPage(
        reply,
        page,
        'カードリーダー申込（コールセンター）',
        html`<section>
            <form method="get" action="/operator/readers">
              <label for="q">医療機関等コード、または名称の一部で検索</label>
              <div class="hint">
                コードは全角・半角、ハイフンありでも検索できます。名称はひらがな・カタカナのどちらでも検索できます。
              </div>
              <input id="q" name="q" type="text" value="${typed}" /><button type="submit">
                検索
              </button>
            </form>
          </section>
          <section>
            ${
              rows.length === 0
                ? html`<p id="no-results" role="status">
                    ${typed ? `「${typed}」に一致する申込はありません。` : '申込はまだありません。'}コードの桁数や名称の表記をご確認ください。
                  </p>`
                : html`<p class="hint" id="result-count">
                    ${rows.length}件${rows.length === 500 ? '（上限）' : ''}
                  </p>`
            }
            <div class="scroll">
              <table>
                <tr>
                  <th>申込番号</th>
                  <th>医療機関コード</th>
                  <th>名称</th>
                  <th>機種</th>
                  <th>台数</th>
                  <th>状況</th>
                </tr>
                ${rows.map(
                  (r) =>
                    html`<tr>
                      <td><a href="/operator/readers/${r.id}">${r.id}</a></td>
                      <td>${r.institution_code}</td>
                      <td>${r.name}</td>
                      <td>${modelLabel(r.model)}</td>
                      <td class="num">${r.quantity}</td>
                      <td>${statusText(r, page.today)}</td>
                    </tr>`,
                )}
              </table>
            </div>
          </section>`,
      );
    },
  );

  async function callCentrePage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    requireAccount(request, 'callcentre', 'operator');
    const application = await findReaderApplication(ctx.handle, parseId(request.params.id));
    if (!application) throw notFound('application');
    const page = pageContext(request, reply, ctx.clock);
    const [events, messages] = await Promise.all([
      listReaderApplicationEvents(ctx.handle, application.id),
      listConsultationMessages(ctx.handle, application.id),
    ]);
    return sendPage(
      reply,
      page,
      `申込の詳細（${application.institution_code}）`,
      readerApplicationDetail(page, application, events, {
        action: `/operator/readers/${application.id}/model`,
        consultationAction: `/operator/readers/${application.id}/consultation`,
        values,
        errors,
        phone: true,
        messages,
        deskLink: application.consultation_status
          ? `/operator/consultations/${application.id}`
          : undefined,
      }),
      status,
    );
  }

  app.get<IdParams>('/operator/readers/:id', (request, reply) =>
    callCentrePage(request, reply, {}, {}),
  );

  // A special reason told to the call centre by phone goes on the application too.
  app.post<IdParams>('/operator/readers/:id/consultation', async (request, reply) => {
    requireAccount(request, 'callcentre', 'operator');
    const application = await findReaderApplication(ctx.handle, parseId(request.params.id));
    if (!application) throw notFound('application');
    const values = formValues(request.body);
    const reason = (values.reason ?? '').slice(0, 500);
    if (!reason) {
      return callCentrePage(
        request,
        reply,
        values,
        { reason: '相談の事情を入力してください。' },
        400,
      );
    }
    const added = await setConsultation(ctx.handle, {
      id: application.id,
      reason,
      actor: 'callcentre',
      at: ctx.clock.now(),
    });
    if (!added)
      return callCentrePage(
        request,
        reply,
        values,
        { reason: 'この申込の相談は回答済みか、申込が取り消されています。' },
        409,
      );
    return reply.redirect(`/operator/readers/${application.id}`, 303);
  });

  app.post<IdParams>('/operator/readers/:id/model', async (request, reply) => {
    requireAccount(request, 'callcentre', 'operator');
    const application = await findReaderApplication(ctx.handle, parseId(request.params.id));
    if (!application) throw notFound('application');
    const values = formValues(request.body);
    const problem = await changeModel(application, values, 'callcentre');
    if (problem) return callCentrePage(request, reply, values, { model: problem }, 400);
    return reply.redirect(`/operator/readers/${application.id}`, 303);
  });
}
