import { canChooseModel } from '@shikaku/core/card-readers';
import type {
  ReaderApplication,
  ReaderApplicationEvent,
} from '@shikaku/db/portal/reader-applications';
import { type FieldErrors, type FormValues, inputField, selectField } from '../web/forms.js';
import { html, jstDateTime } from '../web/html.js';
import { csrfField, type PageContext } from '../web/layout.js';
import {
  ACTOR_TEXT,
  applicationStatus,
  EVENT_TEXT,
  MODEL_CHOICES,
  modelChoice,
  modelLabel,
  STATUS_TEXT,
} from './text.js';

/** The application with its full history and, while allowed, the model-change form. */
export function readerApplicationDetail(
  page: PageContext,
  app: ReaderApplication,
  events: readonly ReaderApplicationEvent[],
  options: {
    action: string;
    consultationAction?: string;
    values: FormValues;
    errors: FieldErrors;
    phone?: boolean;
  },
) {
  const status = applicationStatus(app, page.today);
  const changeable = status !== 'cancelled' && canChooseModel(modelChoice(app.model), page.today);
  return html`<section>
      <h2>申込番号 ${app.id}</h2>
      <table>
        <tr>
          <th>メーカー・製品名（型番）</th>
          <td id="current-model">${modelLabel(app.model)}</td>
        </tr>
        <tr>
          <th>台数</th>
          <td>${app.quantity}台</td>
        </tr>
        <tr>
          <th>状況</th>
          <td id="status">${STATUS_TEXT[status]}</td>
        </tr>
        <tr>
          <th>相談窓口</th>
          <td>${app.consultation ? `相談あり：${app.consultation_reason ?? ''}` : 'なし'}</td>
        </tr>
      </table>
    </section>
    ${
      changeable
        ? html`<section>
            <h2>${options.phone ? '電話での機種変更を記録する' : '機種を変更する'}</h2>
            <form method="post" action="${options.action}">
              ${csrfField(page)}
              ${selectField('model', 'メーカー・製品名（型番）', [['', '選択してください'], ...MODEL_CHOICES], options.values, options.errors)}
              ${options.phone ? inputField('note', '受付メモ（任意）', options.values, options.errors, { hint: '例：担当者名、電話受付番号' }) : ''}
              <button type="submit">${options.phone ? '変更を記録する' : '機種を変更する'}</button>
            </form>
          </section>`
        : ''
    }
    ${
      options.consultationAction && status !== 'cancelled'
        ? html`<section>
            <h2>相談窓口に相談する</h2>
            <p class="hint">
              システム事業者から見積りが提示されない等、特別な事情がある場合にご記入ください。
            </p>
            <form method="post" action="${options.consultationAction}">
              ${csrfField(page)} ${inputField('reason', '事情', options.values, options.errors)}
              <button type="submit">相談を申し込む</button>
            </form>
          </section>`
        : ''
    }
    <section>
      <h2>履歴</h2>
      <table>
        <tr>
          <th>日時</th>
          <th>内容</th>
          <th>操作者</th>
          <th>詳細</th>
        </tr>
        ${events.map(
          (e) =>
            html`<tr>
              <td>${jstDateTime(e.at)}</td>
              <td>${EVENT_TEXT[e.kind] ?? e.kind}</td>
              <td>${ACTOR_TEXT[e.actor] ?? e.actor}</td>
              <td>${e.detail}</td>
            </tr>`,
        )}
      </table>
    </section>`;
}
