import { listMail } from '@shikaku/db/portal/mail';
import { findReaderApplication } from '@shikaku/db/portal/reader-applications';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReaderDeadlineJob } from '../jobs/reader-deadline.js';
import { type Client, type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';

let h: Harness;
let clinic: Client;
let dental: Client;
let callcentre: Client;
let operator: Client;
let extendedId: number;
let declinedId: number;

beforeAll(async () => {
  h = await startHarness('2021-03-20T10:00:00+09:00');
  clinic = await signUp(h.app, {
    institutionCode: '0110113719',
    facilityType: 'clinic',
    email: 'desk-clinic@example.jp',
  });
  dental = await signUp(h.app, {
    institutionCode: '0130000011',
    facilityType: 'dental-clinic',
    email: 'desk-dental@example.jp',
  });
  callcentre = await staffClient(h.app, h.handle, 'callcentre');
  operator = await staffClient(h.app, h.handle, 'operator');
  const apply = async (client: Client, reason: string) => {
    await client.get('/readers');
    const created = await client.post('/readers', {
      model: 'undecided',
      quantity: '1',
      consultationReason: reason,
    });
    return Number(/\/readers\/(\d+)/.exec(String(created.headers.location))?.[1]);
  };
  extendedId = await apply(clinic, 'システム事業者から見積りが届いていない');
  declinedId = await apply(dental, 'レセコンの更新時期を待ちたい');
});
afterAll(() => h.close());

describe('the consultation desk (相談窓口)', () => {
  it('queues consultations for the call centre, whose replies the facility sees and is mailed', async () => {
    const queue = await callcentre.get('/operator/consultations?status=open');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(`href="/operator/consultations/${extendedId}"`);
    expect(queue.body).toContain('システム事業者から見積りが届いていない');
    expect((await clinic.get('/operator/consultations')).statusCode).toBe(403);

    await callcentre.get(`/operator/consultations/${extendedId}`);
    const empty = await callcentre.post(`/operator/consultations/${extendedId}/replies`, {
      body: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="error-summary"');
    const replied = await callcentre.post(`/operator/consultations/${extendedId}/replies`, {
      body: 'システム事業者名と、見積りの依頼日を教えてください。',
    });
    expect(replied.statusCode).toBe(303);
    const [mail] = await listMail(h.handle, { to: 'desk-clinic@example.jp' });
    expect(mail?.subject).toContain('相談窓口から回答がありました');
    expect(mail?.body).toContain('見積りの依頼日を教えてください');

    const page = await clinic.get(`/readers/${extendedId}`);
    expect(page.body).toContain('相談窓口とのやりとり');
    expect(page.body).toContain('見積りの依頼日を教えてください');
    expect(page.body).toContain('相談中（回答待ち）');
    const added = await clinic.post(`/readers/${extendedId}/consultation`, {
      reason: '〇〇システムに3月1日に依頼しました。',
    });
    expect(added.statusCode).toBe(303);
    expect((await callcentre.get(`/operator/consultations/${extendedId}`)).body).toContain(
      '〇〇システムに3月1日に依頼しました。',
    );
    // The call centre replies; only an operator decides.
    expect(
      (
        await callcentre.post(`/operator/consultations/${extendedId}/decision`, {
          decision: 'extend',
          until: '2021-08-31',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('extends this application’s deadline after a confirmation, once; the job respects it', async () => {
    await operator.get(`/operator/consultations/${extendedId}`);
    const bad = await operator.post(`/operator/consultations/${extendedId}/decision`, {
      decision: 'extend',
      until: '2021-07-31',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('現在の期限より後の日付にしてください');
    const confirm = await operator.post(`/operator/consultations/${extendedId}/decision`, {
      decision: 'extend',
      until: '２０２１年８月３１日',
    });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('機種選定期限を2021年8月31日まで延長する');
    const form = { decision: 'extend', until: '2021-08-31', note: '', confirm: '1' };
    const [first, second] = await Promise.all([
      operator.post(`/operator/consultations/${extendedId}/decision`, form),
      operator.post(`/operator/consultations/${extendedId}/decision`, form),
    ]);
    // The same decision twice (a double click): taken once, both answered with its page.
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    const other = await operator.post(`/operator/consultations/${extendedId}/decision`, {
      decision: 'decline',
      note: '理由',
      confirm: '1',
    });
    expect(other.statusCode).toBe(409);
    const mails = (await listMail(h.handle, { to: 'desk-clinic@example.jp' })).filter((m) =>
      m.subject.includes('機種選定期限を延長しました'),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body).toContain('2021年8月31日まで延長');
    expect((await clinic.get(`/readers/${extendedId}`)).body).toContain(
      '機種未定：2021年8月31日 までに機種を選定してください（相談窓口により延長）',
    );

    // 8/2: the others' deadline has passed; this one stands, and the dental clinic's open
    // consultation holds its application until the desk answers.
    h.clock.set('2021-08-02T09:00:00+09:00');
    expect(await runReaderDeadlineJob(h.handle, h.clock)).toMatchObject({ cancelled: 0, held: 1 });
    expect((await findReaderApplication(h.handle, extendedId))?.status).toBe('active');
    expect((await dental.get(`/readers/${declinedId}`)).body).toContain('相談窓口で検討中です');
    const dashboard = await operator.get('/operator');
    expect(dashboard.body).toMatch(/id="undecided-count">1</);
    expect(dashboard.body).toMatch(/id="held-count">1</);

    // The model can still be chosen until the new deadline...
    h.clock.set('2021-08-31T18:00:00+09:00');
    expect((await findReaderApplication(h.handle, extendedId))?.status).toBe('active');
    // ...and after it, it is cancelled like any other.
    h.clock.set('2021-09-01T09:00:00+09:00');
    expect(await runReaderDeadlineJob(h.handle, h.clock)).toMatchObject({ cancelled: 1, held: 1 });
    const cancelled = await clinic.get(`/readers/${extendedId}`);
    expect(cancelled.body).toContain(
      '取消（機種選定期限 2021年8月31日 までに機種が選定されませんでした）',
    );
  });

  it('declines with a reason; the job then cancels the held application', async () => {
    await operator.get(`/operator/consultations/${declinedId}`);
    const noReason = await operator.post(`/operator/consultations/${declinedId}/decision`, {
      decision: 'decline',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('延長しない理由を入力してください。');
    const reason = '機種の選定はレセコンの更新を待たずに行えます';
    expect(
      (
        await operator.post(`/operator/consultations/${declinedId}/decision`, {
          decision: 'decline',
          note: reason,
          confirm: '1',
        })
      ).statusCode,
    ).toBe(303);
    expect((await dental.get(`/readers/${declinedId}`)).body).toContain(reason);
    expect(await runReaderDeadlineJob(h.handle, h.clock)).toMatchObject({ cancelled: 1, held: 0 });
    const subjects = (await listMail(h.handle, { to: 'desk-dental@example.jp' })).map(
      (m) => m.subject,
    );
    expect(subjects[0]).toContain('お申し込みを取り消しました');
    expect(subjects[1]).toContain('延長についてのご相談への回答');
    const queue = await operator.get('/operator/consultations?status=open');
    expect(queue.body).toContain('該当する相談はありません。');
  });
});
