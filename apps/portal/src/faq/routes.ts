// 「シカク」: the FAQ assistant. It answers with the best-matching entry and cites every entry used.
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../context.js';
import { html } from '../web/html.js';
import { pageContext, sendPage } from '../web/render.js';
import { FAQ } from './corpus.js';
import { buildFaqIndex } from './search.js';

export function registerFaqRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const index = buildFaqIndex(FAQ);

  app.get<{ Querystring: { q?: string } }>('/faq', async (request, reply) => {
    const page = pageContext(request, reply, ctx.clock);
    const q = (request.query.q ?? '').slice(0, 200).trim();
    const hits = q ? index.search(q) : [];
    const best = hits[0];
    const answer = !q
      ? ''
      : best
        ? html`<section class="card" id="answer">
            <h2>シカクの回答</h2>
            <p>${best.entry.answer}</p>
            <p class="hint">
              根拠：${hits.map((h, i) => html`${i > 0 ? '、' : ''}<a href="#${h.entry.id}">${h.entry.id}</a>`)}
            </p>
            ${
              hits.length > 1
                ? html`<p>関連する質問：</p>
                    <ul>
                      ${hits.slice(1).map((h) => html`<li><a href="#${h.entry.id}">${h.entry.question}</a>（${h.entry.id}）</li>`)}
                    </ul>`
                : ''
            }
          </section>`
        : html`<section class="card" id="answer">
            <h2>シカクの回答</h2>
            <p>
              申し訳ありません。該当するよくある質問が見つかりませんでした。言葉を変えてお試しいただくか、コールセンターにお問い合わせください。
            </p>
          </section>`;
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
          ${FAQ.map(
            (e) =>
              html`<div id="${e.id}">
                <h3 style="font-size:1rem">${e.id} ${e.question}</h3>
                <p>${e.answer}</p>
              </div>`,
          )}
        </section>`,
    );
  });

  // The same answers as JSON for scripts and the stack's smoke test.
  app.get<{ Querystring: { q?: string } }>('/api/v1/faq', async (request) => {
    const q = (request.query.q ?? '').slice(0, 200);
    return {
      question: q,
      answers: index.search(q).map((h) => ({
        id: h.entry.id,
        question: h.entry.question,
        answer: h.entry.answer,
        score: Math.round(h.score * 1000) / 1000,
      })),
    };
  });
}
