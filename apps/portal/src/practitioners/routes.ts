// 医療従事者の登録: the institution's admin registers the doctors, dentists and pharmacists who may
// view drug and checkup information, each with their HPKI-like certificate (serial, public key,
// validity), and revokes them. The records live at eligibility-api (practitioners/client.ts).
import { publicKeyFingerprint } from '@shikaku/core/public-key-fingerprint';
import { isUsageApproved } from '@shikaku/db/portal/usage-applications';
import type { FastifyInstance } from 'fastify';
import { AppError } from '@shikaku/platform/errors';
import { requireInstitution } from '../auth/session.js';
import type { PortalContext } from '../context.js';
import { parseDateInput } from '../web/dates.js';
import {
  errorSummary,
  type FieldErrors,
  formValues,
  type FormValues,
  hasErrors,
  inputField,
  selectField,
  textareaField,
} from '../web/forms.js';
import { html, jstDateTime } from '../web/html.js';
import { csrfField, type PageContext } from '../web/layout.js';
import { pageContext, sendPage } from '../web/render.js';
import {
  type PractitionerRegistration,
  type PractitionerRow,
  practitionersClient,
} from './client.js';

const ROLE_TEXT: Record<string, string> = {
  doctor: '医師',
  dentist: '歯科医師',
  pharmacist: '薬剤師',
  nurse: '看護師',
};
const ROLES = Object.entries(ROLE_TEXT) as Array<[string, string]>;

/** What eligibility-api's refusals mean on this form, by code (the field comes with them). */
const REFUSAL_TEXT: Record<string, string> = {
  PRACTITIONER_KEY_INVALID:
    '公開鍵を読み取れません。PEM 形式の ECDSA P-256 または RSA（2048 ビット以上）の公開鍵を入力してください。',
  PRACTITIONER_ALREADY_REGISTERED: 'この電子証明書は既に登録されています。',
  VALIDATION_FAILED: '入力内容を確認してください。',
};

/**
 * The row in force that this form would have made: serial, name, role, dates and the key, which
 * the list names by its fingerprint (a PEM wrapped otherwise is the same key). Another key under
 * the same serial is a conflict: answering it with the list would hide that the old key still
 * holds.
 */
function sameRegistration(row: PractitionerRow, form: PractitionerRegistration): boolean {
  return (
    row.revokedAt === null &&
    row.certificateSerial === form.certificateSerial &&
    row.name === form.name &&
    row.role === form.role &&
    Date.parse(row.validFrom) === Date.parse(form.validFrom) &&
    Date.parse(row.validTo) === Date.parse(form.validTo) &&
    typeof row.publicKeyFingerprint === 'string' &&
    row.publicKeyFingerprint === fingerprintOf(form.publicKey)
  );
}

/** undefined for a key that cannot be read (eligibility-api refuses one before any conflict). */
function fingerprintOf(publicKey: string): string | undefined {
  try {
    return publicKeyFingerprint(publicKey);
  } catch {
    return undefined;
  }
}

function listSection(page: PageContext, rows: PractitionerRow[]) {
  if (rows.length === 0) return html`<p>登録された医療従事者はいません。</p>`;
  return html`<table>
    <tr>
      <th>氏名</th>
      <th>資格</th>
      <th>電子証明書のシリアル番号</th>
      <th>有効期間</th>
      <th>状態</th>
      <th></th>
    </tr>
    ${rows.map(
      (p) =>
        html`<tr>
          <td>${p.name}</td>
          <td>${ROLE_TEXT[p.role] ?? p.role}</td>
          <td>${p.certificateSerial}</td>
          <td>${jstDateTime(new Date(p.validFrom))}〜${jstDateTime(new Date(p.validTo))}</td>
          <td>${p.revokedAt ? `失効（${jstDateTime(new Date(p.revokedAt))}）` : '有効'}</td>
          <td>
            ${
              p.revokedAt
                ? ''
                : html`<form
                    class="inline"
                    method="post"
                    action="/practitioners/${p.practitionerId}/revoke"
                  >
                    ${csrfField(page)}<button class="secondary" type="submit">失効させる</button>
                  </form>`
            }
          </td>
        </tr>`,
    )}
  </table>`;
}

function registerForm(page: PageContext, values: FormValues, errors: FieldErrors) {
  return html`<section>
    <h2>医療従事者を登録する</h2>
    <p class="hint">
      薬剤情報・特定健診情報を閲覧できるのは、ここで登録した医師・歯科医師・薬剤師です（看護師は登録できますが閲覧できません）。各閲覧は登録した電子証明書の秘密鍵で署名します。
    </p>
    ${errorSummary(errors)}
    <form method="post" action="/practitioners">
      ${csrfField(page)} ${inputField('name', '氏名', values, errors, { required: true })}
      ${selectField('role', '資格', ROLES, values, errors, undefined, true)}
      ${inputField('certificateSerial', '電子証明書のシリアル番号', values, errors, {
        required: true,
        hint: '半角英数字・ハイフン（64文字まで）',
      })}
      ${textareaField('publicKey', '公開鍵（PEM）', values, errors, {
        required: true,
        hint: '-----BEGIN PUBLIC KEY----- で始まる公開鍵',
      })}
      ${inputField('validFrom', '有効期間の開始日', values, errors, {
        required: true,
        hint: '例：2021-04-01',
      })}
      ${inputField('validTo', '有効期間の終了日', values, errors, {
        required: true,
        hint: '例：2026-03-31',
      })}
      <button type="submit">登録する</button>
    </form>
  </section>`;
}

export function registerPractitionerRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const client = practitionersClient(ctx.config);

  const show = async (code: string, page: PageContext, values: FormValues, errors: FieldErrors) => {
    const approved = await isUsageApproved(ctx.handle, code);
    return html`<section>
        <h2>登録済みの医療従事者</h2>
        ${approved ? listSection(page, await client.list(code)) : html`<p>利用申請の承認後に登録できます。</p>`}
      </section>
      ${approved ? registerForm(page, values, errors) : ''}`;
  };

  app.get('/practitioners', async (request, reply) => {
    const account = requireInstitution(request);
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      '医療従事者の登録',
      await show(account.institution_code, page, {}, {}),
    );
  });

  app.post('/practitioners', async (request, reply) => {
    const account = requireInstitution(request);
    const values = formValues(request.body);
    const errors: FieldErrors = {};
    const required: Array<[string, string]> = [
      ['name', '氏名を入力してください。'],
      ['certificateSerial', '電子証明書のシリアル番号を入力してください。'],
      ['publicKey', '公開鍵を入力してください。'],
    ];
    for (const [field, text] of required) if (!values[field]) errors[field] = text;
    if (!ROLE_TEXT[values.role ?? '']) errors.role = '資格を選んでください。';
    const validFrom = parseDateInput(values.validFrom);
    const validTo = parseDateInput(values.validTo);
    if (!validFrom) errors.validFrom = '開始日を YYYY-MM-DD で入力してください。';
    if (!validTo) errors.validTo = '終了日を YYYY-MM-DD で入力してください。';
    if (!hasErrors(errors)) {
      const registration = {
        name: values.name!,
        role: values.role!,
        certificateSerial: values.certificateSerial!,
        // The form's dates are Japanese calendar days: the whole of each, in JST.
        publicKey: `${values.publicKey!.replace(/\r\n/g, '\n')}\n`,
        validFrom: `${validFrom}T00:00:00+09:00`,
        validTo: `${validTo}T23:59:59+09:00`,
      };
      const refusal = await client.register(account.institution_code, registration);
      if (!refusal) return reply.redirect('/practitioners', 303);
      // A double click or a resent form: the same registration in force already is what was asked.
      if (
        refusal.code === 'PRACTITIONER_ALREADY_REGISTERED' &&
        (await client.list(account.institution_code)).some((p) => sameRegistration(p, registration))
      )
        return reply.redirect('/practitioners', 303);
      const field = refusal.field && refusal.field in values ? refusal.field : 'certificateSerial';
      errors[field] =
        refusal.reason === 'expired'
          ? '有効期間が終了した電子証明書は登録できません。'
          : refusal.reason === 'before-valid-from'
            ? '終了日は開始日より後にしてください。'
            : (REFUSAL_TEXT[refusal.code] ?? REFUSAL_TEXT.VALIDATION_FAILED!);
    }
    const page = pageContext(request, reply, ctx.clock);
    return sendPage(
      reply,
      page,
      '医療従事者の登録',
      await show(account.institution_code, page, values, errors),
      400,
    );
  });

  app.post<{ Params: { practitionerId: string } }>(
    '/practitioners/:practitionerId/revoke',
    async (request, reply) => {
      const account = requireInstitution(request);
      // Only an institution with approved usage has practitioners (the page shows none before).
      if (!(await isUsageApproved(ctx.handle, account.institution_code)))
        throw new AppError('FORBIDDEN', 'practitioners are registered after the usage approval');
      const { practitionerId } = request.params;
      if (!(await client.revoke(account.institution_code, practitionerId))) {
        // A double click or a reload: already revoked is what was asked, so back to the list.
        const rows = await client.list(account.institution_code);
        if (!rows.some((p) => p.practitionerId === practitionerId && p.revokedAt))
          throw new AppError('NOT_FOUND', 'no such practitioner of this institution');
      }
      return reply.redirect('/practitioners', 303);
    },
  );
}
