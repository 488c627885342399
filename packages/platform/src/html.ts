// Server-rendered HTML with tagged template literals, for every app that serves pages (the portal,
// the citizen's pages of eligibility-api).
// Every interpolated value is escaped unless it
// is already Html (built by this tag), so a page cannot be broken by what a user typed.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlPart = Html | string | number | null | undefined | false | readonly HtmlPart[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup built by code (an SVG chart), never user input. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/**
 * The look every page of the stack shares (the portal's): header bar, cards, forms, tables, notices,
 * footer, narrow screens. An app adds its own rules after it.
 */
export const BASE_STYLE = `
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Noto Sans JP",sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;line-height:1.6}
header{background:#0b4f8a;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .site{font-weight:bold;font-size:1.1rem;text-decoration:none}
header .today{margin-left:auto;font-size:.85rem;opacity:.9}
main{max-width:60rem;margin:1.2rem auto;padding:0 1rem}
section,.card{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:1rem 1.2rem;margin-bottom:1rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:0}
label{display:block;font-weight:bold;margin-top:.8rem}
input[type=text],input[type=email],input[type=password],input[type=number],select,textarea{font-size:1rem;padding:.35rem;width:100%;max-width:28rem;box-sizing:border-box}
button{font-size:1rem;padding:.4rem 1.2rem;margin-top:.8rem;background:#0b4f8a;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#5a6470}
.error{color:#b00020;font-weight:bold;margin:.2rem 0}
.field-error input,.field-error select{border:2px solid #b00020}
.notice{background:#e8f3e8;border-left:4px solid #2e7d32;padding:.6rem 1rem}
.alert{background:#fdecea;border-left:4px solid #b00020;padding:.6rem 1rem}
.secret{font-family:monospace;font-size:1.05rem;background:#fff8e1;padding:.4rem;word-break:break-all}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dde3;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}.num{text-align:right}
.hint{color:#555;font-size:.9rem}
form.inline{display:inline}
footer{background:#e9edf2;border-top:1px solid #d8dde3;padding:1rem 1.2rem;font-size:.9rem;margin-top:2rem}
footer p{margin:.2rem auto;max-width:60rem}footer .phone{font-size:1.2rem;font-weight:bold}
@media (max-width:600px){header{gap:.2rem .9rem;padding:.4rem .8rem;font-size:.85rem}header .site{width:100%;font-size:1rem}header .today{margin-left:0;width:100%;font-size:.75rem}main{padding:0 .5rem}section,.card{padding:.8rem}h1{font-size:1.2rem}}
.scroll{overflow-x:auto}
`;

/**
 * A whole Japanese page: the head (title, the app's style, trusted: written by code), the app's
 * header, then `<main>` under its heading, then the footer.
 */
export function htmlDocument(doc: {
  title: string;
  heading: string;
  style: string;
  top: HtmlPart;
  body: HtmlPart;
  footer: HtmlPart;
}): Html {
  return html`<!doctype html>
    <html lang="ja">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${doc.title}</title>
        <style>
          ${trusted(doc.style)}
        </style>
      </head>
      <body>
        ${doc.top}
        <main>
          <h1>${doc.heading}</h1>
          ${doc.body}
        </main>
        ${doc.footer}
      </body>
    </html>`;
}

/** The header's small sign-out button: a POST form carrying the CSRF token. */
export function signOutButton(action: string, csrfToken: string, id?: string): Html {
  return html`<form class="inline" method="post" action="${action}">
    <input type="hidden" name="_csrf" value="${csrfToken}" /><button
      ${id ? html`id="${id}"` : ''}
      class="secondary"
      style="margin:0;padding:.1rem .6rem"
    >
      ログアウト
    </button>
  </form>`;
}
