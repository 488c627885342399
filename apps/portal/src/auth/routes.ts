// Sign-up (institution code with check digit, facility type), email verification, login, logout,
// password reset. Forms answer 400 with the errors next to the fields and the values kept.
import { parseInstitutionCode } from '@shikaku/core/institution-code';
import {
  consumeEmailToken,
  DuplicateError,
  findAccount,
  findAccountByEmail,
  insertEmailToken,
  markEmailVerified,
  registerInstitutionAccount,
  setPasswordHash,
} from '@shikaku/db/portal/accounts';
import type { FacilityTypeCode } from '@shikaku/db/portal/tables';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../context.js';
import { FACILITY_CHOICES, facilityMismatch, institutionCodeProblem } from '../facility-text.js';
import { passwordResetMail, verificationMail } from '../mail/templates.js';
import {
  checkboxField,
  type FieldErrors,
  type FormValues,
  formValues,
  hasErrors,
  errorSummary,
  inputField,
  selectField,
} from '../web/forms.js';
import { html } from '../web/html.js';
import { normalizeCode } from '../web/width.js';
import { csrfField, type PageContext } from '../web/layout.js';
import { pageContext, sendPage } from '../web/render.js';
import { sameSitePath } from '../web/same-site-path.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { endSession, startSession } from './session.js';
import { hashToken, newToken } from './tokens.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const VERIFY_TTL_MS = 24 * 3_600_000;
const RESET_TTL_MS = 3_600_000;

function signupForm(ctx: PageContext, values: FormValues, errors: FieldErrors) {
  return html`<section>
    ${errorSummary(errors)}
    <form method="post" action="/signup" novalidate>
      ${csrfField(ctx)}
      ${inputField('institutionCode', '医療機関コード（10桁）', values, errors, {
        hint: '都道府県番号2桁＋点数表番号1桁＋医療機関コード7桁（例：0110113719）',
        required: true,
      })}
      ${inputField('name', '医療機関・薬局の名称', values, errors, { required: true })}
      ${selectField('facilityType', '施設の種類', [['', '選択してください'], ...FACILITY_CHOICES], values, errors, undefined, true)}
      ${checkboxField('largeChain', '大型チェーン薬局（グループ全体の処方箋受付が月4万回以上）', values)}
      ${errors.largeChain ? html`<p class="error">${errors.largeChain}</p>` : ''}
      ${inputField('email', 'メールアドレス', values, errors, { type: 'email', required: true, autocomplete: 'email' })}
      ${inputField('password', 'パスワード', values, errors, {
        type: 'password',
        hint: '10文字以上、英字と数字を含めてください',
        required: true,
        autocomplete: 'new-password',
      })}
      ${inputField('passwordConfirm', 'パスワード（確認）', values, errors, { type: 'password', required: true })}
      <button type="submit">登録する</button>
    </form>
  </section>`;
}

function loginForm(ctx: PageContext, values: FormValues, errors: FieldErrors, next: string) {
  return html`<section>
    <form method="post" action="/login" novalidate>
      ${csrfField(ctx)}
      <input type="hidden" name="next" value="${next}" />
      ${errors.form ? html`<p class="error">${errors.form}</p>` : ''}
      ${inputField('email', 'メールアドレス', values, errors, { type: 'email', autocomplete: 'username' })}
      ${inputField('password', 'パスワード', values, errors, { type: 'password', autocomplete: 'current-password' })}
      <button type="submit">ログイン</button>
    </form>
    <p><a href="/password-reset">パスワードをお忘れの方</a> ／ <a href="/signup">新規登録</a></p>
  </section>`;
}

export function registerAuthRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { handle, clock } = ctx;

  const mailLink = (path: string, token: string) =>
    `${ctx.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;

  app.get('/signup', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    return sendPage(reply, page, '新規登録', signupForm(page, {}, {}));
  });

  app.post('/signup', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    const values = formValues(request.body);
    const errors: FieldErrors = {};
    const code = normalizeCode(values.institutionCode);
    const parsed = parseInstitutionCode(code);
    if (!parsed.ok) errors.institutionCode = institutionCodeProblem(parsed.reason);
    if (!values.name) errors.name = '名称を入力してください。';
    else if (values.name.length > 100) errors.name = '名称は100文字以内で入力してください。';
    const facilityType = FACILITY_CHOICES.find(([v]) => v === values.facilityType)?.[0];
    if (!facilityType) errors.facilityType = '施設の種類を選択してください。';
    else if (parsed.ok) {
      const mismatch = facilityMismatch(facilityType, parsed.value.institutionCode);
      if (mismatch) errors.facilityType = mismatch;
    }
    const largeChain = values.largeChain === '1';
    if (largeChain && facilityType && facilityType !== 'pharmacy') {
      errors.largeChain = '大型チェーン薬局は、施設の種類が「薬局」の場合だけ選択できます。';
    }
    const email = (values.email ?? '').toLowerCase();
    if (!EMAIL.test(email)) errors.email = 'メールアドレスの形式が正しくありません。';
    const password = values.password ?? '';
    const weak = passwordProblem(password);
    if (weak) errors.password = weak;
    else if (password !== values.passwordConfirm) {
      errors.passwordConfirm = '確認用のパスワードが一致しません。';
    }
    if (hasErrors(errors) || !parsed.ok || !facilityType) {
      return sendPage(reply, page, '新規登録', signupForm(page, values, errors), 400);
    }
    const now = clock.now();
    const token = newToken();
    try {
      // The account, its verification token and the mail that carries it: one transaction.
      await registerInstitutionAccount(
        handle,
        {
          institutionCode: parsed.value.institutionCode,
          name: values.name ?? '',
          facilityType: facilityType as FacilityTypeCode,
          largeChain,
          prefecture: parsed.value.prefecture,
          createdAt: now,
        },
        { email, passwordHash: await hashPassword(password), createdAt: now },
        {
          tokenHash: hashToken(token),
          purpose: 'verify',
          expiresAt: new Date(now.getTime() + VERIFY_TTL_MS),
          mails: [verificationMail(email, mailLink('/verify', token))],
        },
      );
    } catch (error) {
      if (!(error instanceof DuplicateError)) throw error;
      errors[error.field] =
        error.field === 'email'
          ? 'このメールアドレスはすでに登録されています。'
          : 'この医療機関コードはすでに登録されています。';
      return sendPage(reply, page, '新規登録', signupForm(page, values, errors), 400);
    }
    return sendPage(
      reply,
      page,
      '確認メールを送信しました',
      html`<section class="notice">
        <p>
          ${email} 宛てに確認メールを送信しました。メールのリンクを開いて登録を完了してください。
        </p>
        ${ctx.config.mailbox ? html`<p class="hint">この環境ではメールは送信されず、<a href="/mailbox">メールボックス</a>で確認できます。</p>` : ''}
      </section>`,
    );
  });

  app.get<{ Querystring: { token?: string } }>('/verify', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    const token = request.query.token ?? '';
    const accountId = token
      ? await consumeEmailToken(handle, hashToken(token), 'verify', clock.now())
      : undefined;
    if (accountId === undefined) {
      return sendPage(
        reply,
        page,
        'メールアドレスの確認',
        html`<section class="alert"><p>確認リンクが無効か、有効期限が切れています。</p></section>`,
        400,
      );
    }
    await markEmailVerified(handle, accountId, clock.now());
    return sendPage(
      reply,
      page,
      'メールアドレスの確認',
      html`<section class="notice">
        <p>メールアドレスを確認しました。<a href="/login">ログイン</a>してください。</p>
      </section>`,
    );
  });

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    return sendPage(
      reply,
      page,
      'ログイン',
      loginForm(page, {}, {}, sameSitePath(request.query.next)),
    );
  });

  app.post('/login', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    const values = formValues(request.body);
    const next = sameSitePath(values.next);
    const account = await findAccountByEmail(handle, (values.email ?? '').toLowerCase());
    // Hash even for an unknown address, so timing does not tell which addresses exist.
    const ok = account
      ? await verifyPassword(account.password_hash, values.password ?? '')
      : (await hashPassword(values.password ?? 'x'), false);
    if (!account || !ok) {
      const errors = { form: 'メールアドレスまたはパスワードが正しくありません。' };
      return sendPage(reply, page, 'ログイン', loginForm(page, values, errors, next), 400);
    }
    if (!account.email_verified_at) {
      const errors = {
        form: 'メールアドレスの確認が済んでいません。確認メールのリンクを開いてください。',
      };
      return sendPage(reply, page, 'ログイン', loginForm(page, values, errors, next), 400);
    }
    await startSession(reply, account, ctx.sessions);
    const home = account.role === 'institution' ? '/' : '/operator';
    return reply.redirect(next === '/' ? home : next, 303);
  });

  app.post('/logout', async (request, reply) => {
    await endSession(request, reply, ctx.sessions);
    return reply.redirect('/login', 303);
  });

  const resetRequestForm = (page: PageContext, values: FormValues, errors: FieldErrors) =>
    html`<section>
      <form method="post" action="/password-reset" novalidate>
        ${csrfField(page)}
        ${inputField('email', '登録したメールアドレス', values, errors, { type: 'email' })}
        <button type="submit">再設定メールを送る</button>
      </form>
    </section>`;

  app.get('/password-reset', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    return sendPage(reply, page, 'パスワードの再設定', resetRequestForm(page, {}, {}));
  });

  app.post('/password-reset', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    const values = formValues(request.body);
    const email = (values.email ?? '').toLowerCase();
    if (!EMAIL.test(email)) {
      const errors = { email: 'メールアドレスの形式が正しくありません。' };
      return sendPage(
        reply,
        page,
        'パスワードの再設定',
        resetRequestForm(page, values, errors),
        400,
      );
    }
    const account = await findAccountByEmail(handle, email);
    if (account) {
      const now = clock.now();
      const token = newToken();
      // The token and its mail: one transaction.
      await insertEmailToken(
        handle,
        {
          tokenHash: hashToken(token),
          accountId: account.id,
          purpose: 'reset',
          expiresAt: new Date(now.getTime() + RESET_TTL_MS),
          mails: [passwordResetMail(email, mailLink('/password-reset/confirm', token))],
        },
        now,
      );
    }
    // The same answer whether or not the address is registered.
    return sendPage(
      reply,
      page,
      'パスワードの再設定',
      html`<section class="notice">
        <p>登録されているアドレスであれば、再設定用のメールを送信しました。</p>
      </section>`,
    );
  });

  const resetForm = (page: PageContext, token: string, errors: FieldErrors) =>
    html`<section>
      ${errorSummary(errors)}
      <form method="post" action="/password-reset/confirm" novalidate>
        ${csrfField(page)}
        <input type="hidden" name="token" value="${token}" />
        ${errors.form ? html`<p class="error">${errors.form}</p>` : ''}
        ${inputField('password', '新しいパスワード', {}, errors, { type: 'password', hint: '10文字以上、英字と数字を含めてください' })}
        ${inputField('passwordConfirm', '新しいパスワード（確認）', {}, errors, { type: 'password' })}
        <button type="submit">パスワードを変更する</button>
      </form>
    </section>`;

  app.get<{ Querystring: { token?: string } }>(
    '/password-reset/confirm',
    async (request, reply) => {
      const page = pageContext(request, reply, clock);
      return sendPage(
        reply,
        page,
        '新しいパスワードの設定',
        resetForm(page, request.query.token ?? '', {}),
      );
    },
  );

  app.post('/password-reset/confirm', async (request, reply) => {
    const page = pageContext(request, reply, clock);
    const values = formValues(request.body);
    const token = values.token ?? '';
    const errors: FieldErrors = {};
    const weak = passwordProblem(values.password ?? '');
    if (weak) errors.password = weak;
    else if (values.password !== values.passwordConfirm) {
      errors.passwordConfirm = '確認用のパスワードが一致しません。';
    }
    if (hasErrors(errors)) {
      return sendPage(reply, page, '新しいパスワードの設定', resetForm(page, token, errors), 400);
    }
    const accountId = await consumeEmailToken(handle, hashToken(token), 'reset', clock.now());
    const account = accountId === undefined ? undefined : await findAccount(handle, accountId);
    if (!account) {
      errors.form = '再設定リンクが無効か、有効期限が切れています。もう一度お手続きください。';
      return sendPage(reply, page, '新しいパスワードの設定', resetForm(page, token, errors), 400);
    }
    await setPasswordHash(handle, account.id, await hashPassword(values.password ?? ''));
    // Following the emailed link proves the address too.
    await markEmailVerified(handle, account.id, clock.now());
    return sendPage(
      reply,
      page,
      '新しいパスワードの設定',
      html`<section class="notice">
        <p>パスワードを変更しました。<a href="/login">ログイン</a>してください。</p>
      </section>`,
    );
  });
}
