// The 完了 (completion) step of an application: the 受付番号 and what happens next. Reached by the
// redirect (303) after the POST that records the application, so a reload shows it again and
// records nothing.
import { type Html, html, type HtmlPart } from './html.js';

export type ReceptionKind = 'R' | 'U' | 'S';

/** 受付番号: the kind (R カードリーダー, U 利用申請, S 補助金) and the application's number, 7 digits. */
export function receptionNumber(kind: ReceptionKind, id: number): string {
  return `${kind}-${String(id).padStart(7, '0')}`;
}

/** The three steps, the current one marked, at the top of each application's pages. */
export function steps(current: 1 | 2 | 3): Html {
  const names = ['入力', '確認', '完了'];
  return html`<ol class="steps" aria-label="手続きの段階">
    ${names.map(
      (name, i) =>
        html`<li
          class="${i + 1 === current ? 'current' : ''}"
          ${i + 1 === current ? html` aria-current="step"` : ''}
        >
          ${i + 1}. ${name}
        </li>`,
    )}
  </ol>`;
}

export function completion(what: {
  kind: ReceptionKind;
  id: number;
  message: HtmlPart;
  summary: HtmlPart;
  next: { href: string; text: string };
}): Html {
  return html`${steps(3)}
    <section class="notice" id="completion" role="status">
      <p><strong>${what.message}</strong></p>
      <p>受付番号：<strong id="reception-number">${receptionNumber(what.kind, what.id)}</strong></p>
      <p class="hint">お問い合わせの際は、受付番号をお伝えください。</p>
    </section>
    <section>${what.summary}</section>
    <p><a id="detail-link" href="${what.next.href}">${what.next.text}</a></p>`;
}
