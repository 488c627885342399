import {
  InsuredCardClassification,
  InsuredPartialContributionRatio,
  labelOf,
  PersonalFamilyClassification,
  QualificationValidity,
  ReasonOfLoss,
} from '@shikaku/core/code-tables';
import { type Html, html } from '@shikaku/platform/html';
import { formatDate, formatDateTime } from '@shikaku/platform/japanese-dates';
import { SECTION_PAGES } from './page-layout.js';
import {
  ACCESS_ITEMS,
  ACCESS_KINDS,
  CONSENT_ITEMS,
  CONSENT_STATES,
  DOCUMENT_KINDS,
  PRACTITIONER_ROLES,
} from './page-texts.js';
import type { CheckupRecord, DrugRecord } from '../history.js';
import type { citizenAccessLog, citizenConsents, citizenQualifications } from './views.js';

// The body of each citizen page, from the same views the JSON API answers. Dates as Japanese
// pages write them (2021年7月15日), instants in Japan time. Nothing here has a My Number to show.

type Qualification = Awaited<ReturnType<typeof citizenQualifications>>[number];
type Consent = Awaited<ReturnType<typeof citizenConsents>>[number];
type AccessEntry = Awaited<ReturnType<typeof citizenAccessLog>>[number];

const date = (iso: string | null | undefined) => (iso ? formatDate(iso) : '—');
const label = (table: Parameters<typeof labelOf>[0], code: string | null) =>
  code ? (labelOf(table, code) ?? code) : '—';
const none = (text: string) => html`<p class="notice">${text}</p>`;

export function renderTop(): Html {
  return html`<p>ご覧になりたい情報を選んでください。</p>
    <ul class="menu">
      ${SECTION_PAGES.map(
        (s) =>
          html`<li>
            <a href="${s.path}">${s.title}<span>${s.hint}</span></a>
          </li>`,
      )}
    </ul>`;
}

export function renderQualifications(qualifications: Qualification[], on: string): Html {
  if (qualifications.length === 0) return none('医療保険の資格情報はありません。');
  return html`<p class="hint">${formatDate(on)}時点の情報です。</p>
    ${qualifications.map(
      (q) =>
        html`<section class="qualification" data-state="${q.state}">
          <h2>
            ${q.insurerName}
            ${
              q.state === 'current'
                ? html`<span class="badge">現在の資格</span>`
                : html`<span class="badge past">過去の資格</span>`
            }
          </h2>
          <table>
            <tr>
              <th>氏名</th>
              <td>${q.name}</td>
            </tr>
            <tr>
              <th>保険者番号</th>
              <td>${q.insurerNumber}</td>
            </tr>
            <tr>
              <th>記号・番号・枝番</th>
              <td>
                ${q.insuredCardSymbol || '—'}・${q.insuredIdentificationNumber}・${
                  q.insuredBranchNumber || '—'
                }
              </td>
            </tr>
            <tr>
              <th>本人・家族</th>
              <td>${label(PersonalFamilyClassification, q.personalFamilyClassification)}</td>
            </tr>
            <tr>
              <th>被保険者証区分</th>
              <td>${label(InsuredCardClassification, q.insuredCardClassification)}</td>
            </tr>
            <tr>
              <th>資格取得日</th>
              <td>${date(q.qualificationDate)}</td>
            </tr>
            ${
              q.disqualificationDate
                ? html`<tr>
                    <th>資格喪失日</th>
                    <td>
                      ${date(q.disqualificationDate)}${
                        q.reasonOfLoss ? html`（${label(ReasonOfLoss, q.reasonOfLoss)}）` : ''
                      }
                    </td>
                  </tr>`
                : ''
            }
            ${
              q.state === 'current'
                ? html`<tr>
                    <th>一部負担金の割合</th>
                    <td>${label(InsuredPartialContributionRatio, q.copayRatio)}</td>
                  </tr>`
                : ''
            }
            <tr>
              <th>お持ちの資格証明</th>
              <td class="document">
                ${DOCUMENT_KINDS[q.document.kind] ?? q.document.kind}${
                  q.document.validTo ? html`（有効期限：${date(q.document.validTo)}）` : ''
                }
              </td>
            </tr>
            ${
              q.limitApplicationCertificate
                ? html`<tr>
                    <th>限度額適用認定証</th>
                    <td>
                      適用区分
                      ${q.limitApplicationCertificate.classificationFlag}（${date(
                        q.limitApplicationCertificate.validFrom,
                      )}から${date(q.limitApplicationCertificate.validTo)}まで）
                    </td>
                  </tr>`
                : ''
            }
          </table>
        </section>`,
    )}`;
}

export function renderDrugInformation(rows: DrugRecord[], on: string): Html {
  return html`<p class="hint">${formatDate(on)}までの過去3年分の調剤の情報です。</p>
    ${
      rows.length === 0
        ? none('過去3年分の薬剤情報はありません。')
        : html`<section class="scroll">
            <table id="drug-information">
              <thead>
                <tr>
                  <th>調剤日</th>
                  <th>薬剤名</th>
                  <th class="num">数量</th>
                  <th class="num">日数</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (d) =>
                    html`<tr>
                      <td>${formatDate(d.dispensedOn)}</td>
                      <td>${d.drugName}</td>
                      <td class="num">${d.quantity}</td>
                      <td class="num">${d.days}日分</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </section>`
    }`;
}

export function renderCheckups(rows: CheckupRecord[], on: string): Html {
  return html`<p class="hint">${formatDate(on)}までの過去5年分の特定健診の結果です。</p>
    ${
      rows.length === 0
        ? none('過去5年分の特定健診情報はありません。')
        : html`<section class="scroll">
            <table id="checkups">
              <thead>
                <tr>
                  <th>受診日</th>
                  <th class="num">身長</th>
                  <th class="num">体重</th>
                  <th class="num">腹囲</th>
                  <th class="num">血圧（収縮期／拡張期）</th>
                  <th class="num">HbA1c</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (c) =>
                    html`<tr>
                      <td>${formatDate(c.checkedOn)}</td>
                      <td class="num">${c.heightCm} cm</td>
                      <td class="num">${c.weightKg} kg</td>
                      <td class="num">${c.waistCm} cm</td>
                      <td class="num">${c.systolic}／${c.diastolic} mmHg</td>
                      <td class="num">${c.hba1c} %</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </section>`
    }`;
}

export function renderConsents(consents: Consent[], names: ReadonlyMap<string, string>): Html {
  if (consents.length === 0) return none('医療機関・薬局で同意した記録はありません。');
  return html`<p class="hint">
      カードリーダーで同意した情報は、同意した医療機関・薬局が、同意から24時間まで見ることができます。
    </p>
    <section class="scroll">
      <table id="consents">
        <thead>
          <tr>
            <th>同意した日時</th>
            <th>医療機関・薬局</th>
            <th>同意した情報</th>
            <th>期限</th>
          </tr>
        </thead>
        <tbody>
          ${consents.map((c) => {
            const given = CONSENT_ITEMS.filter(([key]) => c[key]).map(([, name]) => name);
            return html`<tr>
              <td>${formatDateTime(new Date(c.consTime))}</td>
              <td>
                ${names.get(c.institutionCode) ?? '（名称不明）'}<br /><span class="hint"
                  >医療機関コード ${c.institutionCode}</span
                >
              </td>
              <td>${given.length > 0 ? given.join('、') : '資格情報のみ'}</td>
              <td>
                ${formatDateTime(new Date(c.availableTime))}まで
                ${
                  c.expired
                    ? html`<span class="badge expired">期限切れ</span>`
                    : html`<span class="badge">有効</span>`
                }
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </section>`;
}

export function renderAccessLog(entries: AccessEntry[]): Html {
  if (entries.length === 0) return none('あなたの情報が閲覧された記録はありません。');
  return html`<p class="hint">医療機関・薬局があなたの情報を見た記録です（新しい順）。</p>
    <section class="scroll">
      <table id="access-log">
        <thead>
          <tr>
            <th>日時</th>
            <th>医療機関・薬局</th>
            <th>閲覧した人</th>
            <th>内容</th>
            <th>閲覧した情報</th>
            <th>同意</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map(
            (e) =>
              html`<tr>
                <td>${formatDateTime(new Date(e.at))}</td>
                <td>
                  ${e.institutionName ?? '（名称不明）'}<br /><span class="hint"
                    >医療機関コード ${e.institutionCode}</span
                  >
                </td>
                <td>
                  ${
                    'practitionerRole' in e && e.practitionerRole
                      ? (PRACTITIONER_ROLES[e.practitionerRole] ?? e.practitionerRole)
                      : '—'
                  }
                </td>
                <td>
                  ${ACCESS_KINDS[e.kind] ?? e.kind}${
                    e.qualificationValidity
                      ? html`<br /><span class="hint"
                            >資格：${label(QualificationValidity, e.qualificationValidity)}</span
                          >`
                      : ''
                  }
                </td>
                <td>${e.items.map((item) => ACCESS_ITEMS[item] ?? item).join('、')}</td>
                <td>${CONSENT_STATES[e.consentState] ?? e.consentState}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
}
