// The development mailbox: the stack's mail stays in the outbox and is read here. It shows every
// mail, password-reset links included, to anyone, so it exists only where the config turns it on
// (`shikaku stack`, tests), never because SMTP_URL is unset.
import { listMail } from '@shikaku/db/portal/mail';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../context.js';
import { html, jstDateTime } from '../web/html.js';
import { DEV_MAILBOX, pageContext, sendPage } from '../web/render.js';

/** Turns the links in a plain-text mail into anchors (the text itself stays escaped). */
function linkify(text: string) {
  return text
    .split(/(https?:\/\/\S+)/)
    .map((part, i) => (i % 2 === 1 ? html`<a href="${part}">${part}</a>` : part));
}

export function registerMailboxRoutes(app: FastifyInstance, ctx: PortalContext): void {
  if (!ctx.config.mailbox) return;
  // Every page then says that this is a development portal with a mailbox (layout.ts).
  (app as unknown as Record<symbol, unknown>)[DEV_MAILBOX] = true;
  app.get<{ Querystring: { to?: string } }>('/mailbox', async (request, reply) => {
    const page = pageContext(request, reply, ctx.clock);
    const to = request.query.to?.trim() || undefined;
    const mails = await listMail(ctx.handle, { ...(to ? { to } : {}), limit: 50 });
    return sendPage(
      reply,
      page,
      'メールボックス（開発用）',
      html`<p class="hint">
          開発用の環境のため、送信メールはここに表示されます（新しい順、50件まで）。
        </p>
        <form method="get" action="/mailbox">
          <label for="to">宛先で絞り込む</label
          ><input id="to" name="to" type="email" value="${to ?? ''}" /><button type="submit">
            表示
          </button>
        </form>
        ${mails.length === 0 ? html`<p>メールはありません。</p>` : ''}
        ${mails.map(
          (m) =>
            html`<section class="mail">
              <h2>${m.subject}</h2>
              <p class="hint">宛先：${m.to_address} ／ ${jstDateTime(m.created_at)}</p>
              <pre style="white-space:pre-wrap">${linkify(m.body)}</pre>
            </section>`,
        )}`,
    );
  });
}
