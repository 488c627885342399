import type { ConsultationMessage } from '@shikaku/db/portal/consultations';
import { formatDateTime } from '../web/dates.js';
import { html } from '../web/html.js';

const AUTHOR_TEXT: Record<ConsultationMessage['author'], string> = {
  institution: '医療機関等',
  callcentre: '相談窓口（コールセンター）',
  operator: '相談窓口',
};

/** The thread between the facility and the desk, oldest first (the facility sees the same). */
export function consultationThread(messages: readonly ConsultationMessage[]) {
  if (messages.length === 0) return '';
  return html`<section id="consultation-thread">
    <h2>相談窓口とのやりとり</h2>
    ${messages.map(
      (m) =>
        html`<div class="message ${m.author === 'institution' ? 'from-facility' : 'from-desk'}">
          <div class="hint">${formatDateTime(m.at)} ${AUTHOR_TEXT[m.author]}</div>
          <div class="pre">${m.body}</div>
        </div>`,
    )}
  </section>`;
}
