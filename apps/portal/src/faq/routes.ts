// 「シカク」: the FAQ assistant. It answers with the confident entry as of the portal's date and cites
// it, or says it cannot answer and points at the contact centre.
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../context.js';
import { html } from '../web/html.js';
import { pageContext, sendPage } from '../web/render.js';
import { jstDate } from '@shikaku/core/clock';
import { formatDate } from '../web/dates.js';
import { askShikaku, type ShikakuReply } from './assistant.js';
import { answerAsOf, FAQ } from './corpus.js';
import { buildFaqIndex } from './search.js';

export function registerFaqRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const index = buildFaqIndex(FAQ);

  app.get<{ Querystring: { q?: string } }>('/faq', async (request, reply) => {
    const page = pageContext(request, reply, ctx.clock);
    const q = (request.query.q ?? '').slice(0, 200).trim();
    const answer = q ? answerSection(askShikaku(index, q, page.today), page.today) : '';
    return sendPage(
      reply,
      page,
      'よくある質問（AIアシスタント「シカク」）',
      html`<section>
          <form method="get" action="/faq">
            <label for="q">シカクに質問する</label>
            <input
              id="q"
              name="q"
              type="text"
              value="${q}"
              placeholder="例：機種未定の期限はいつまでですか"
            /><button type="submit">質問する</button>
          </form>
        </section>
        ${answer}
        <section>
          <h2>よくある質問の一覧</h2>
          <p class="hint">${formatDate(page.today)}時点の内容です。</p>
          ${FAQ.map(
            (e) =>
              html`<div id="${e.id}">
                <h3 style="font-size:1rem">${e.id} ${e.question}</h3>
                <p>${answerAsOf(e, page.today)}</p>
              </div>`,
          )}
        </section>`,
    );
  });

  // The same answers as JSON for scripts and the stack's smoke test: `answers` is empty when シカク
  // cannot answer (answered: false), else the answer first, then related entries that answer too.
  app.get<{ Querystring: { q?: string } }>('/api/v1/faq', async (request) => {
    const q = (request.query.q ?? '').slice(0, 200);
    const today = jstDate(ctx.clock.now());
    const replied = askShikaku(index, q, today);
    const entries = replied.kind === 'answer' ? [replied.entry, ...replied.related] : [];
    return {
      question: q,
      asOf: today,
      answered: replied.kind === 'answer',
      answers: entries.map((e) => ({
        id: e.id,
        question: e.question,
        answer: answerAsOf(e, today),
      })),
    };
  });
}

function answerSection(replied: ShikakuReply, today: string) {
  if (replied.kind === 'no-answer') {
    return html`<section class="card" id="answer" data-answered="false">
      <h2>シカクの回答</h2>
      <p id="no-answer">
        申し訳ありません。そのご質問には、シカクはお答えできません（よくある質問に該当する内容がありません）。
      </p>
      <p>
        <a href="#contact-centre">オンライン資格確認等コールセンター</a>（0800-080-4583、月～金
        8:00～18:00、土 8:00～16:00）にお問い合わせください。
      </p>
    </section>`;
  }
  return html`<section class="card" id="answer" data-answered="true">
    <h2>シカクの回答</h2>
    <p id="answer-text">${replied.text}</p>
    <p class="hint">
      根拠：<a href="#${replied.entry.id}">${replied.entry.id} ${replied.entry.question}</a
      >（${formatDate(today)}時点）
    </p>
    ${
      replied.related.length > 0
        ? html`<p>関連する質問：</p>
            <ul id="related">
              ${replied.related.map((e) => html`<li><a href="#${e.id}">${e.question}</a>（${e.id}）</li>`)}
            </ul>`
        : ''
    }
  </section>`;
}
