// The confirmation step (確認画面) of a decision that cannot be taken back.
import { html } from './html.js';
import { csrfField, type PageContext } from './layout.js';

/** The confirmation step of a decision: what will be decided, and one button that decides it. */
export function confirmation(
  page: PageContext,
  what: {
    action: string;
    rows: ReadonlyArray<readonly [string, string]>;
    hidden: Record<string, string>;
    submit: string;
    back: string;
  },
) {
  return html`<section id="confirmation">
    <p>次の内容で確定します。確定すると施設にメールで通知され、取り消せません。</p>
    <table>
      ${what.rows.map(
        ([k, v]) =>
          html`<tr>
            <th>${k}</th>
            <td class="pre">${v}</td>
          </tr>`,
      )}
    </table>
    <form method="post" action="${what.action}">
      ${csrfField(page)}
      ${Object.entries(what.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
      <input type="hidden" name="confirm" value="1" />
      <button type="submit">${what.submit}</button>
    </form>
    <p><a href="${what.back}">戻って修正する</a></p>
  </section>`;
}
