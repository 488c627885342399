import { listMail } from '@shikaku/db/portal/mail';
import { listReaderApplications } from '@shikaku/db/portal/reader-applications';
// The vitest 'postgresUrl' type comes with the global setup's declaration.
import type {} from '@shikaku/db/testing/global-setup';
import { testDatabaseKinds } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReaderDeadlineJob } from '../jobs/reader-deadline.js';
import { type Client, type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';

let h: Harness;
let clinic: Client;
let hospital: Client;
beforeAll(async () => {
  h = await startHarness('2021-03-15T10:00:00+09:00');
  clinic = await signUp(h.app, {
    institutionCode: '0110113719',
    facilityType: 'clinic',
    email: 'clinic@example.jp',
  });
  hospital = await signUp(h.app, {
    institutionCode: '1310000011',
    facilityType: 'hospital',
    email: 'hospital@example.jp',
  });
});
afterAll(() => h.close());

const idFrom = (location: string | string[] | number | undefined) =>
  Number(/\/readers\/(\d+)/.exec(String(location))?.[1]);

describe('card reader applications', () => {
  it('accepts 機種未定 inside 2021-02-01..03-31 and keeps the quota (clinic 1)', async () => {
    await clinic.get('/readers');
    const tooMany = await clinic.post('/readers', { model: 'undecided', quantity: '2' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toContain('無償提供の上限台数を超えています');
    expect(tooMany.body).toMatch(/<option value="undecided"\s+selected>/);

    const created = await clinic.post('/readers', { model: 'undecided', quantity: '1' });
    expect(created.statusCode).toBe(303);
    const detail = await clinic.get(String(created.headers.location));
    expect(detail.body).toContain('機種未定：2021年8月1日 までに機種を選定してください');

    // The quota counts what was applied for already.
    await clinic.get('/readers');
    const second = await clinic.post('/readers', { model: 'panasonic', quantity: '1' });
    expect(second.statusCode).toBe(400);
  });

  it('refuses 機種未定 from 2021-04-01, with the reason next to the model field', async () => {
    h.clock.set('2021-04-01T09:00:00+09:00');
    await hospital.get('/readers');
    const response = await hospital.post('/readers', { model: 'undecided', quantity: '3' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(
      /id="model-error">\s*「機種未定」での申込は 2021-02-01〜2021-03-31 のみ/,
    );
    const ok = await hospital.post('/readers', { model: 'canon', quantity: '3' });
    expect(ok.statusCode).toBe(303);
  });

  it('lets an institution change the model before the deadline, and keeps the history', async () => {
    h.clock.set('2021-08-01T23:00:00+09:00'); // the last day, inclusive (JST)
    const list = await clinic.get('/readers');
    const id = Number(/href="\/readers\/(\d+)"/.exec(list.body)?.[1]);
    await clinic.get(`/readers/${id}`);
    const bad = await clinic.post(`/readers/${id}/model`, { model: 'nonsense' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('機種を一覧から選択してください');
    const changed = await clinic.post(`/readers/${id}/model`, { model: 'fujitsu' });
    expect(changed.statusCode).toBe(303);
    const detail = await clinic.get(`/readers/${id}`);
    expect(detail.body).toContain('富士通Japan');
    expect(detail.body).toContain('申込済み（機種選定済み）');
    expect(detail.body).toMatch(/機種変更<\/td>\s*<td>医療機関/);
  });

  it('hides another institution’s application', async () => {
    const list = await clinic.get('/readers');
    const id = Number(/href="\/readers\/(\d+)"/.exec(list.body)?.[1]);
    expect((await hospital.get(`/readers/${id}`)).statusCode).toBe(404);
    await hospital.get('/readers');
    expect((await hospital.post(`/readers/${id}/model`, { model: 'canon' })).statusCode).toBe(404);
  });

  it('lets the call centre record a model change made by phone', async () => {
    const callcentre = await staffClient(h.app, h.handle, 'callcentre');
    const search = await callcentre.get('/operator/readers?code=1310000011');
    const id = Number(/href="\/operator\/readers\/(\d+)"/.exec(search.body)?.[1]);
    // The same search typed in full width, with hyphens, finds the same application.
    const wide = await callcentre.get(
      `/operator/readers?code=${encodeURIComponent('１３－１０００００１－１')}`,
    );
    expect(wide.body).toContain(`href="/operator/readers/${id}"`);
    // By a part of the name, in hiragana or katakana; a message when nothing matches.
    const byName = await callcentre.get(`/operator/readers?q=${encodeURIComponent('てすと')}`);
    expect(byName.body).toContain(`href="/operator/readers/${id}"`);
    const none = await callcentre.get(`/operator/readers?q=${encodeURIComponent('存在しない')}`);
    expect(none.body).toContain('「存在しない」に一致する申込はありません。');
    // Every page carries the contact centre, as the seed's notice gives it.
    expect(wide.body).toMatch(/0800-080-4583[\s\S]*月～金 8:00～18:00 ／ 土 8:00～16:00/);
    await callcentre.get(`/operator/readers/${id}`);
    const response = await callcentre.post(`/operator/readers/${id}/model`, {
      model: 'almex',
      note: '電話受付 No.123',
    });
    expect(response.statusCode).toBe(303);
    const detail = await hospital.get(`/readers/${id}`);
    expect(detail.body).toContain('アルメックス');
    expect(detail.body).toContain('コールセンター（電話受付）');
    // The call centre's memo is internal: staff see it, the facility does not.
    expect(detail.body).not.toContain('電話受付 No.123');
    expect((await callcentre.get(`/operator/readers/${id}`)).body).toContain(
      '受付メモ：電話受付 No.123',
    );
    await callcentre.get(`/operator/readers/${id}`);
    await callcentre.post(`/operator/readers/${id}/consultation`, {
      reason: '電話で相談：見積り未着',
    });
    const withConsultation = await hospital.get(`/readers/${id}`);
    expect(withConsultation.body).toContain('相談中（回答待ち）：電話で相談：見積り未着');
    expect(withConsultation.body).toMatch(/相談窓口への相談<\/td>\s*<td>コールセンター/);
    // The call centre has no operator pages.
    expect((await callcentre.get('/operator/usage')).statusCode).toBe(403);
  });
});

describe('入力 → 確認 → 完了', () => {
  it('confirms without recording, then records once and shows the 受付番号', async () => {
    const pharmacy = await signUp(h.app, {
      institutionCode: '1340000015',
      facilityType: 'pharmacy',
      email: 'steps@example.jp',
    });
    const input = await pharmacy.get('/readers');
    expect(input.body).toMatch(/台数<span class="required">必須<\/span>/);
    const wrong = await pharmacy.post('/readers/confirm', { model: '', quantity: '１' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toMatch(/id="error-summary"[^>]*autofocus/);
    expect(wrong.body).toContain('<a href="#model">機種を選択してください。</a>');
    const confirm = await pharmacy.post('/readers/confirm', { model: 'canon', quantity: '１' });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('id="confirmation"');
    expect(confirm.body).toContain('キヤノンマーケティングジャパン');
    expect(await listReaderApplications(h.handle, '1340000015')).toEqual([]);
    const back = await pharmacy.post('/readers/confirm', {
      model: 'canon',
      quantity: '1',
      action: 'edit',
    });
    expect(back.body).toMatch(/<option value="canon"\s+selected>/);
    const done = await pharmacy.post('/readers', { model: 'canon', quantity: '1' });
    expect(done.statusCode).toBe(303);
    const id = idFrom(done.headers.location);
    expect(done.headers.location).toBe(`/readers/${id}/complete`);
    const complete = await pharmacy.get(String(done.headers.location));
    expect(complete.body).toContain('お申し込みを受け付けました');
    expect(complete.body).toContain(`R-${String(id).padStart(7, '0')}`);
    // A reload of the 完了 page records nothing more.
    await pharmacy.get(String(done.headers.location));
    expect(await listReaderApplications(h.handle, '1340000015')).toHaveLength(1);
  });
});

describe('the deadline job', () => {
  it('reminds before the deadline, cancels undecided applications after it, and tells the institution', async () => {
    const h2 = await startHarness('2021-03-20T10:00:00+09:00');
    try {
      const late = await signUp(h2.app, {
        institutionCode: '1330000017',
        facilityType: 'dental-clinic',
        email: 'dental@example.jp',
      });
      await late.get('/readers');
      const created = await late.post('/readers', { model: 'undecided', quantity: '1' });
      const id = idFrom(created.headers.location);

      h2.clock.set('2021-07-10T10:00:00+09:00');
      expect(await runReaderDeadlineJob(h2.handle, h2.clock)).toEqual({
        reminded: 0,
        cancelled: 0,
        held: 0,
      });
      h2.clock.set('2021-07-20T10:00:00+09:00');
      expect(await runReaderDeadlineJob(h2.handle, h2.clock)).toEqual({
        reminded: 1,
        cancelled: 0,
        held: 0,
      });
      expect(await runReaderDeadlineJob(h2.handle, h2.clock)).toEqual({
        reminded: 0,
        cancelled: 0,
        held: 0,
      });
      h2.clock.set('2021-08-01T23:59:00+09:00');
      expect(await runReaderDeadlineJob(h2.handle, h2.clock)).toEqual({
        reminded: 0,
        cancelled: 0,
        held: 0,
      });

      // Past the deadline the page already shows the cancellation, before the job has run.
      h2.clock.set('2021-08-02T00:01:00+09:00');
      expect((await late.get(`/readers/${id}`)).body).toContain('取消（機種選定期限 2021年8月1日');
      await late.get(`/readers/${id}`);
      expect((await late.post(`/readers/${id}/model`, { model: 'canon' })).statusCode).toBe(400);

      expect(await runReaderDeadlineJob(h2.handle, h2.clock)).toEqual({
        reminded: 0,
        cancelled: 1,
        held: 0,
      });
      const subjects = (await listMail(h2.handle, { to: 'dental@example.jp' })).map(
        (m) => m.subject,
      );
      expect(subjects[0]).toContain('お申し込みを取り消しました');
      expect(subjects[1]).toContain('機種選定期限が近づいています');
      const detail = await late.get(`/readers/${id}`);
      expect(detail.body).toMatch(/取消<\/td>\s*<td>システム/);
    } finally {
      await h2.close();
    }
  });
});

// The quota under concurrency, on each database the run has (PGlite runs one statement at a time;
// PostgreSQL runs the ten requests' transactions side by side).
describe.each(testDatabaseKinds())('ten applications at once [%s]', (kind) => {
  it('record one reader for a clinic (quota 1), and nine refusals', async () => {
    const rushHarness = await startHarness('2021-03-15T10:00:00+09:00', {}, kind);
    try {
      const rush = await signUp(rushHarness.app, {
        institutionCode: '0110113727',
        facilityType: 'clinic',
        email: 'rush@example.jp',
      });
      await rush.get('/readers');
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          rush.post('/readers', { model: 'fujitsu', quantity: '1' }),
        ),
      );
      expect(answers.filter((a) => a.statusCode === 303)).toHaveLength(1);
      expect(answers.filter((a) => a.statusCode === 400)).toHaveLength(9);
      const applications = await listReaderApplications(rushHarness.handle, '0110113727');
      expect(applications.reduce((sum, a) => sum + a.quantity, 0)).toBe(1);
    } finally {
      await rushHarness.close();
    }
  });
});
