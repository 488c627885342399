import type { Account } from '@shikaku/db/portal/accounts';
import { formatDateWithWeekday } from './dates.js';
import { BASE_STYLE, htmlDocument, signOutButton } from '@shikaku/platform/html';
import { type Html, html, type HtmlPart } from './html.js';

export interface PageContext {
  account: Account | null;
  csrfToken: string;
  /**
   * The portal's date (JST, YYYY-MM-DD), shown so an --as-of stack is obvious: 本日：2021年8月2日（月）
   * as Japanese pages write it, and the ISO date in data-today for scripts.
   */
  today: string;
  /** The development mailbox is on: every page says so (it shows everyone's mail). */
  devMailbox?: boolean;
}

const STYLE = `${BASE_STYLE}
.required{display:inline-block;margin-left:.5rem;padding:0 .4rem;font-size:.75rem;font-weight:bold;color:#fff;background:#b00020;border-radius:3px;vertical-align:middle}
.error-summary{background:#fdecea;border:2px solid #b00020;border-radius:6px;padding:.6rem 1rem;margin-bottom:1rem}
.error-summary:focus{outline:3px solid #ffbf47}.error-summary h2{color:#b00020;font-size:1rem;margin:0 0 .3rem}
.error-summary a{color:#b00020}
textarea{font-size:1rem;padding:.35rem;width:100%;max-width:40rem;box-sizing:border-box}
.pre{white-space:pre-wrap}
pre,.pre,.secret{overflow-wrap:anywhere}
.dev-banner{background:#fff4ce;border-bottom:1px solid #e0c66b;padding:.3rem 1.2rem;font-size:.85rem}
ol.steps{display:flex;gap:.4rem;list-style:none;padding:0;margin:0 0 1rem}ol.steps li{flex:1;text-align:center;padding:.3rem;background:#e9edf2;border-radius:4px;font-size:.9rem}
ol.steps li.current{background:#0b4f8a;color:#fff;font-weight:bold}
.message{border-left:4px solid #5a6470;padding:.3rem .8rem;margin:.6rem 0;background:#f6f7f9}
.message.from-desk{border-left-color:#0b4f8a;background:#eef4fb}
fieldset{border:0;padding:0;margin:.8rem 0 0}legend{font-weight:bold}
a.button-link{display:inline-block;margin-top:.8rem;padding:.35rem 1rem;border:1px solid #5a6470;border-radius:4px;color:#1a1a1a;text-decoration:none;background:#fff}
`;

function nav(account: Account | null): Html {
  if (!account) {
    return html`<a href="/login">ログイン</a><a href="/signup">新規登録</a
      ><a href="/faq">よくある質問（シカク）</a>`;
  }
  const links: Html[] = [];
  if (account.role === 'institution') {
    links.push(
      html`<a href="/">マイページ</a><a href="/readers">カードリーダー申込</a>
        <a href="/usage">利用申請</a><a href="/subsidies">補助金申請</a>`,
    );
  } else {
    links.push(
      html`<a href="/operator">キャンペーン状況</a>
        <a href="/operator/readers">カードリーダー（コールセンター）</a>
        <a href="/operator/consultations">相談窓口</a>`,
    );
    if (account.role === 'operator') {
      links.push(
        html`<a href="/operator/usage">利用申請の審査</a>
          <a href="/operator/subsidies">補助金の審査</a
          ><a href="/operator/notices">お知らせ配信</a>`,
      );
    }
  }
  links.push(html`<a href="/faq">よくある質問（シカク）</a>`);
  return html`${links}`;
}

// The contact centre as the seed's notice prints it (オンライン資格確認等コールセンター, toll-free,
// weekdays 8:00-18:00, Saturdays 8:00-16:00); the same number takes model changes by phone
// (医療情報化支援基金). docs/decisions.md cites the lines.
const footer = html`<footer id="contact-centre">
  <p><strong>お問い合わせ：オンライン資格確認等コールセンター</strong></p>
  <p>
    <span class="phone">0800-080-4583</span>（通話無料）<br />
    受付時間：月～金 8:00～18:00 ／ 土 8:00～16:00
  </p>
  <p class="hint">カードリーダーの機種変更は、お電話（医療情報化支援基金）でも承ります。</p>
</footer>`;

export function page(ctx: PageContext, title: string, body: HtmlPart): Html {
  return htmlDocument({
    title: `${title} | 医療機関等向けポータルサイト`,
    heading: title,
    style: STYLE,
    top: html`<header>
        <a class="site" href="/">医療機関等向けポータルサイト</a>${nav(ctx.account)}
        <span class="today" data-today="${ctx.today}"
          >本日：${formatDateWithWeekday(ctx.today)}${
            ctx.account
              ? html` ／ ${ctx.account.email} ${signOutButton('/logout', ctx.csrfToken)}`
              : ''
          }</span
        >
      </header>
      ${
        ctx.devMailbox
          ? html`<div class="dev-banner" id="dev-mailbox" role="note">
              開発用の環境です。メールは送信されず、<a href="/mailbox">開発用メールボックス</a
              >で誰でも読めます（本番環境にはありません）。
            </div>`
          : ''
      }`,
    body,
    footer,
  });
}

export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}" />`;
}
