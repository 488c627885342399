import type {
  ReaderApplication,
  ReaderApplicationEvent,
} from '@shikaku/db/portal/reader-applications';
import type { ConsultationMessage } from '@shikaku/db/portal/consultations';
import { consultationThread } from '../consultation/view.js';
import { formatDate } from '../web/dates.js';
import {
  type FieldErrors,
  type FormValues,
  inputField,
  selectField,
  textareaField,
} from '../web/forms.js';
import { html, jstDateTime } from '../web/html.js';
import { csrfField, type PageContext } from '../web/layout.js';
import {
  ACTOR_TEXT,
  applicationStatus,
  EVENT_TEXT,
  MODEL_CHOICES,
  modelDeadline,
  modelLabel,
  statusText,
} from './text.js';

function consultationSummary(app: ReaderApplication): string {
  switch (app.consultation_status) {
    case null:
      return 'なし';
    case 'open':
      return `相談中（回答待ち）：${app.consultation_reason ?? ''}`;
    case 'extended':
      return `回答済み：機種選定期限を${formatDate(modelDeadline(app))}まで延長しました${app.consultation_decision_note ? `（${app.consultation_decision_note}）` : ''}`;
    case 'declined':
      return `回答済み：期限の延長はいたしかねます（理由：${app.consultation_decision_note ?? ''}）`;
  }
}

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
    messages?: readonly ConsultationMessage[];
    /** The desk's page of this consultation (staff only). */
    deskLink?: string;
  },
) {
  const consultationOpen = app.consultation_status === 'open' || app.consultation_status === null;
  const status = applicationStatus(app, page.today);
  const changeable = status !== 'cancelled';
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
          <td id="status">${statusText(app, page.today)}</td>
        </tr>
        <tr>
          <th>相談窓口</th>
          <td id="consultation">
            ${consultationSummary(app)}${options.deskLink ? html`（<a href="${options.deskLink}">相談窓口のページ</a>）` : ''}
          </td>
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
    ${consultationThread(options.messages ?? [])}
    ${
      options.consultationAction && status !== 'cancelled' && consultationOpen
        ? html`<section>
            <h2>${app.consultation ? '相談窓口に追記する' : '相談窓口に相談する'}</h2>
            <p class="hint">
              ${app.model === null ? `システム事業者から見積りが提示されない等、特別な事情で期限（${formatDate(modelDeadline(app))}）までに機種を選定できない場合にご記入ください。相談窓口が回答し、期限の延長を判断します。回答までお申し込みは取り消されません。` : 'システム事業者から見積りが提示されない等、特別な事情がある場合にご記入ください。'}
            </p>
            <form method="post" action="${options.consultationAction}" novalidate>
              ${csrfField(page)}
              ${textareaField('reason', app.consultation ? '追記する内容' : '事情', options.values, options.errors, { required: true, maxLength: 500 })}
              <button type="submit">${app.consultation ? '追記する' : '相談を申し込む'}</button>
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
              <td>
                ${e.detail}${options.phone && e.staff_note ? html`<div class="hint staff-note">受付メモ：${e.staff_note}</div>` : ''}
              </td>
            </tr>`,
        )}
      </table>
    </section>`;
}
