import {
  BASE_STYLE,
  type Html,
  html,
  htmlDocument,
  type HtmlPart,
  signOutButton,
} from '@shikaku/platform/html';
import { formatDateTime, formatDateWithWeekday } from '@shikaku/platform/japanese-dates';

/** Where each citizen page lives (beside the JSON API's /v1/citizen/…). */
export const CITIZEN_PAGES = {
  login: '/citizen/login',
  top: '/citizen/',
  logout: '/citizen/logout',
  script: '/citizen/sign-in.js',
} as const;

/** The sections, in the order マイページ lists them. */
export const SECTION_PAGES = [
  {
    path: '/citizen/qualifications',
    title: '資格情報',
    hint: '加入している医療保険の資格（現在と過去）',
  },
  { path: '/citizen/drug-information', title: '薬剤情報', hint: '調剤された薬（過去3年分）' },
  { path: '/citizen/checkups', title: '特定健診情報', hint: '特定健診の結果（過去5年分）' },
  { path: '/citizen/consents', title: '同意の記録', hint: '医療機関・薬局で同意した内容と期限' },
  {
    path: '/citizen/access-log',
    title: 'アクセス記録',
    hint: 'あなたの情報を、いつ、どこが見たか',
  },
] as const;

export interface CitizenPageContext {
  /** Today in Japan (YYYY-MM-DD), as the header shows it. */
  today: string;
  /** The double-submit token every form of the page carries (pages.ts). */
  csrfToken: string;
  /** Set once signed in: the name to greet, and when the session ends. */
  signedIn?: { name: string | null; expiresAt: Date } | undefined;
}

const STYLE = `${BASE_STYLE}
nav.sections{display:flex;flex-wrap:wrap;gap:.2rem 1rem}
ul.menu{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.8rem}
ul.menu a{display:block;padding:.8rem 1rem;background:#fff;border:1px solid #d8dde3;border-radius:6px;font-weight:bold;text-decoration:none;color:#0b4f8a}
ul.menu span{display:block;font-weight:normal;color:#555;font-size:.9rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:3px;font-size:.85rem;color:#fff;background:#2e7d32}
.badge.past{background:#5a6470}.badge.expired{background:#b00020}
`;

// マイナンバー総合フリーダイヤル and its hours (docs/citizen.md cites them).
const footer = html`<footer>
  <p><strong>お問い合わせ：マイナンバー総合フリーダイヤル</strong></p>
  <p>
    <span class="phone">0120-95-0178</span>（無料）<br />
    平日 9:30～20:00 ／ 土日祝 9:30～17:30（年末年始を除く）
  </p>
  <p class="hint">この画面はシカク（エミュレーター）のものです。</p>
</footer>`;

function header(ctx: CitizenPageContext): Html {
  const signedIn = ctx.signedIn;
  return html`<header>
    <a class="site" href="${signedIn ? CITIZEN_PAGES.top : CITIZEN_PAGES.login}"
      >マイナポータル（シカク）</a
    >
    ${
      signedIn
        ? html`<nav class="sections">
            <a href="${CITIZEN_PAGES.top}">マイページ</a>
            ${SECTION_PAGES.map((s) => html`<a href="${s.path}">${s.title}</a>`)}
          </nav>`
        : ''
    }
    <span class="today" data-today="${ctx.today}"
      >本日：${formatDateWithWeekday(ctx.today)}${
        signedIn
          ? html` ／
            ${signedIn.name ? html`${signedIn.name} さん` : ''}（${formatDateTime(
              signedIn.expiresAt,
            )}まで）
            ${signOutButton(CITIZEN_PAGES.logout, ctx.csrfToken, 'logout')}`
          : ''
      }</span
    >
  </header>`;
}

/** A citizen page: the portal's look, マイナポータル's header and contact line. */
export function citizenPage(ctx: CitizenPageContext, title: string, body: HtmlPart): Html {
  return htmlDocument({
    title: `${title} | マイナポータル（シカク）`,
    heading: title,
    style: STYLE,
    top: header(ctx),
    body,
    footer,
  });
}
