// The home page: an institution's own status at a glance, and the latest notices for everyone.
import { listNotices } from '@shikaku/db/portal/mail';
import { listReaderApplications } from '@shikaku/db/portal/reader-applications';
import { listSubsidyApplications } from '@shikaku/db/portal/subsidy-applications';
import { listUsageApplications } from '@shikaku/db/portal/usage-applications';
import { findInstitution } from '@shikaku/db/portal/accounts';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from './context.js';
import { FACILITY_LABELS } from './facility-text.js';
import { html } from './web/html.js';
import { pageContext, sendPage } from './web/render.js';
import { readerStatusText, SUBSIDY_STATUS_TEXT, USAGE_STATUS_TEXT } from './status-text.js';

export function registerHomeRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/', async (request, reply) => {
    const account = request.account;
    if (account && account.role !== 'institution') return reply.redirect('/operator', 303);
    const page = pageContext(request, reply, ctx.clock);
    const notices = await listNotices(ctx.handle, 5);
    const noticeList = html`<section>
      <h2>最新情報</h2>
      ${
        notices.length === 0
          ? html`<p>お知らせはありません。</p>`
          : html`<ul>
              ${notices.map(
                (n) =>
                  html`<li>
                    <strong>${n.title}</strong
                    >（${n.published_at.toISOString().slice(0, 10)}）<br />${n.body}
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
    if (!account?.institution_code) {
      return sendPage(
        reply,
        page,
        '医療機関等向けポータルサイト',
        html`<section>
            <p>
              オンライン資格確認の導入に必要な、顔認証付きカードリーダーの申込、利用申請、補助金申請をこのサイトで行います。
            </p>
            <p>
              <a href="/signup">新規登録</a> ／ <a href="/login">ログイン</a> ／
              <a href="/faq">よくある質問（シカク）</a>
            </p>
          </section>
          ${noticeList}`,
      );
    }
    const code = account.institution_code;
    const [institution, readers, usage, subsidies] = await Promise.all([
      findInstitution(ctx.handle, code),
      listReaderApplications(ctx.handle, code),
      listUsageApplications(ctx.handle, { institutionCode: code }),
      listSubsidyApplications(ctx.handle, { institutionCode: code }),
    ]);
    return sendPage(
      reply,
      page,
      'マイページ',
      html`<section>
          <h2>${institution?.name ?? ''}</h2>
          <p>
            医療機関コード ${code} ／
            ${institution ? FACILITY_LABELS[institution.facility_type] : ''}${
              institution?.large_chain ? '（大型チェーン薬局）' : ''
            }
          </p>
          <table>
            <tr>
              <th>手続き</th>
              <th>状況</th>
            </tr>
            <tr>
              <td><a href="/readers">カードリーダー申込</a></td>
              <td>
                ${
                  readers.length === 0
                    ? '未申込'
                    : readers.map((r) => html`申込番号 ${r.id}：${readerStatusText(r)}<br />`)
                }
              </td>
            </tr>
            <tr>
              <td><a href="/usage">利用申請</a></td>
              <td>${usage[0] ? USAGE_STATUS_TEXT[usage[0].status] : '未申請'}</td>
            </tr>
            <tr>
              <td><a href="/subsidies">補助金申請</a></td>
              <td>${subsidies[0] ? SUBSIDY_STATUS_TEXT[subsidies[0].status] : '未申請'}</td>
            </tr>
          </table>
        </section>
        ${noticeList}`,
    );
  });
}
