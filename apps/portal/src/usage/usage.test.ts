import { listMail } from '@shikaku/db/portal/mail';
import { AppError } from '@shikaku/platform/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';

let h: Harness;
let pharmacy: Client;
let operator: Client;
beforeAll(async () => {
  h = await startHarness('2021-06-01T10:00:00+09:00');
  pharmacy = await signUp(h.app, {
    institutionCode: '1340000015',
    facilityType: 'pharmacy',
    email: 'pharmacy@example.jp',
  });
  operator = await staffClient(h.app, h.handle, 'operator');
});
afterAll(() => h.close());

describe('usage application and credentials', () => {
  it('applies, and only an operator approves (registering the institution with eligibility-api)', async () => {
    await pharmacy.get('/usage');
    const confirm = await pharmacy.post('/usage/confirm', {});
    expect(confirm.body).toContain('id="confirmation"');
    expect(confirm.body).toContain('1340000015');
    const applied = await pharmacy.post('/usage', {});
    expect(applied.statusCode).toBe(303);
    const complete = await pharmacy.get(String(applied.headers.location));
    expect(complete.body).toMatch(/受付番号：<strong id="reception-number">U-\d{7}<\/strong>/);
    expect((await pharmacy.get('/usage')).body).toContain('審査中');
    expect((await pharmacy.post('/usage', {})).statusCode).toBe(409);

    expect((await pharmacy.get('/operator/usage')).statusCode).toBe(403);
    const list = await operator.get('/operator/usage');
    const id = Number(/action="\/operator\/usage\/(\d+)\/approve"/.exec(list.body)?.[1]);
    expect((await operator.post(`/operator/usage/${id}/approve`, {})).statusCode).toBe(303);
    expect(h.eligibility.registered).toEqual(['1340000015']);
    // The same approval again (a double click, a second tab): the list, nothing registered twice.
    const again = await operator.post(`/operator/usage/${id}/approve`, {});
    expect(again.statusCode).toBe(303);
    expect(h.eligibility.registered).toEqual(['1340000015']);
    const reject = await operator.post(`/operator/usage/${id}/reject`, {});
    expect(reject.statusCode).toBe(409);
    expect(reject.body).toContain('コード: ALREADY_DECIDED');
  });

  it('issues on POST, redirects, shows the secret once; reloads and re-sent forms revoke nothing', async () => {
    const page = await pharmacy.get('/usage');
    expect(page.body).toContain('承認済み（運用中）');
    const issued = await pharmacy.post('/usage/credentials', {});
    expect(issued.statusCode).toBe(303);
    expect(issued.headers.location).toBe('/usage/credentials/issued');
    expect(issued.body).not.toContain('secret-1-xyzzy');
    const shown = await pharmacy.get('/usage/credentials/issued');
    expect(shown.body).toContain('secret-1-xyzzy');
    expect(shown.body).toContain('client-1340000015-1');
    expect(shown.headers['cache-control']).toBe('no-store');

    // Reloading the page, and re-sending the issuing form (a reload of the old POST page, a double
    // click), N times: the secret is not shown again, and the credential stays valid.
    for (let i = 0; i < 5; i++) {
      const reload = await pharmacy.get('/usage/credentials/issued');
      expect(reload.statusCode).toBe(200);
      expect(reload.body).not.toContain('secret-1-xyzzy');
      expect(reload.body).toContain('一度だけ表示しました');
      expect(reload.body).toContain('action="/usage/credentials/rotate"');
      expect((await pharmacy.post('/usage/credentials', {})).statusCode).toBe(303);
    }
    expect(h.eligibility.issued).toHaveLength(1);
    expect(h.eligibility.revoked).toEqual([]);
    expect(h.eligibility.login('client-1340000015-1', 'secret-1-xyzzy')).toBe('OK');
    const again = await pharmacy.get('/usage');
    expect(again.body).toContain('client-1340000015-1');
    expect(again.body).not.toContain('secret-1-xyzzy');
  });

  it('rotates only with a confirmation, once per confirmed client id', async () => {
    await pharmacy.get('/usage/credentials/rotate');
    const unconfirmed = await pharmacy.post('/usage/credentials/rotate', {
      clientId: 'client-1340000015-1',
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('確認にチェックを入れてください');
    expect(h.eligibility.revoked).toEqual([]);

    const form = { clientId: 'client-1340000015-1', confirm: '1' };
    const [first, second] = await Promise.all([
      pharmacy.post('/usage/credentials/rotate', form),
      pharmacy.post('/usage/credentials/rotate', form),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    expect(h.eligibility.issued).toHaveLength(2);
    expect(h.eligibility.revoked).toEqual(['client-1340000015-1']);
    expect((await pharmacy.get('/usage/credentials/issued')).body).toContain('secret-2-xyzzy');
    expect(h.eligibility.login('client-1340000015-1', 'secret-1-xyzzy')).toBe('CREDENTIAL_REVOKED');
    expect(h.eligibility.login('client-1340000015-2', 'secret-2-xyzzy')).toBe('OK');

    await pharmacy.get('/usage');
    const revoke = await pharmacy.post('/usage/credentials/client-1340000015-2/revoke', {});
    expect(revoke.statusCode).toBe(303);
    expect(h.eligibility.revoked).toEqual(['client-1340000015-1', 'client-1340000015-2']);
    expect((await pharmacy.get('/usage')).body).not.toMatch(/<td>\s*有効\s*<\/td>/);
  });

  it('refuses credentials to an institution whose application is not approved', async () => {
    const other = await signUp(h.app, {
      institutionCode: '2710000015',
      facilityType: 'clinic',
      email: 'osaka@example.jp',
    });
    await other.get('/usage');
    expect((await other.post('/usage/credentials', {})).statusCode).toBe(403);
    // Nor can it revoke another institution's client id.
    expect((await other.post('/usage/credentials/client-1340000015-2/revoke', {})).statusCode).toBe(
      404,
    );
  });

  it('leaves the application unapproved when eligibility-api is down', async () => {
    const other = await signUp(h.app, {
      institutionCode: '1310000029',
      facilityType: 'hospital',
      email: 'down@example.jp',
    });
    await other.get('/usage');
    await other.post('/usage', {});
    const original = h.eligibility.registerInstitution;
    h.eligibility.registerInstitution = () =>
      Promise.reject(new AppError('UPSTREAM_UNAVAILABLE', 'connection refused'));
    try {
      const list = await operator.get('/operator/usage');
      const id = Number(/action="\/operator\/usage\/(\d+)\/approve"/.exec(list.body)?.[1]);
      const response = await operator.post(`/operator/usage/${id}/approve`, {});
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('資格確認システムに接続できません');
      expect((await other.get('/usage')).body).toContain('審査中');
    } finally {
      h.eligibility.registerInstitution = original;
    }
  });

  it('rejects with a reason and a confirmation, once; the facility is mailed and sees the reason', async () => {
    const applicant = await signUp(h.app, {
      institutionCode: '0130000011',
      facilityType: 'dental-clinic',
      email: 'reject@example.jp',
    });
    await applicant.get('/usage');
    await applicant.post('/usage', {});
    const list = await operator.get('/operator/usage');
    const id = Number(/href="\/operator\/usage\/(\d+)\/reject"/.exec(list.body)?.[1]);
    const form = await operator.get(`/operator/usage/${id}/reject`);
    expect(form.body).toMatch(/却下の理由<span class="required">必須<\/span>/);
    const noReason = await operator.post(`/operator/usage/${id}/reject`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('id="error-summary"');
    expect(noReason.body).toContain('却下の理由を入力してください。');

    const reason = '医療機関等コードと登録の名称が一致しません';
    const confirm = await operator.post(`/operator/usage/${id}/reject`, { reason });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('却下を確定する');
    expect((await applicant.get('/usage')).body).toContain('審査中');

    const [first, second] = await Promise.all([
      operator.post(`/operator/usage/${id}/reject`, { reason, confirm: '1' }),
      operator.post(`/operator/usage/${id}/reject`, { reason, confirm: '1' }),
    ]);
    // The same rejection twice (a double click): decided once, both answered with the list.
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    const other = await operator.post(`/operator/usage/${id}/reject`, {
      reason: '別の理由',
      confirm: '1',
    });
    expect(other.statusCode).toBe(409);
    const page = await applicant.get('/usage');
    expect(page.body).toContain('却下');
    expect(page.body).toContain(`理由：${reason}`);
    const mails = await listMail(h.handle, { to: 'reject@example.jp' });
    const rejections = mails.filter((m) => m.subject.includes('利用申請が承認されませんでした'));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.body).toContain(reason);
    // It may apply again.
    expect(page.body).toContain('action="/usage/confirm"');
  });
});
