import { listMail } from '@shikaku/db/portal/mail';
import {
  findSubsidyApplication,
  listSubsidyApplications,
} from '@shikaku/db/portal/subsidy-applications';
// The vitest 'postgresUrl' type comes with the global setup's declaration.
import type {} from '@shikaku/db/testing/global-setup';
import { testDatabaseKinds } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';

let h: Harness;
let clinic: Client;
let hospital: Client;
let operator: Client;
beforeAll(async () => {
  h = await startHarness('2021-09-01T10:00:00+09:00');
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
  operator = await staffClient(h.app, h.handle, 'operator');
  await applyForReaders(clinic, 1);
  await applyForReaders(hospital, 3);
});

async function applyForReaders(client: Client, quantity: number) {
  await client.get('/readers');
  const applied = await client.post('/readers', { model: 'fujitsu', quantity: String(quantity) });
  if (applied.statusCode !== 303) throw new Error(`reader application: ${applied.statusCode}`);
}
afterAll(() => h.close());

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('subsidy applications', () => {
  it('computes the amount with core’s rule: ¥429,000 at a clinic gives ¥321,000', async () => {
    await clinic.get('/subsidies');
    const preview = await clinic.post('/subsidies', {
      projectCost: '429,000',
      readers: '1',
      action: 'preview',
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toMatch(/補助額（計算結果）：\s*<strong>321,000円<\/strong>/);
    expect(preview.body).toContain('value="429,000"');
  });

  it('shows rule errors next to the field', async () => {
    await hospital.get('/subsidies');
    const response = await hospital.post('/subsidies', {
      projectCost: '3000000',
      readers: '4',
      action: 'create',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('病院は1〜3台');
    const cost = await hospital.post('/subsidies', {
      projectCost: '-5',
      readers: '1',
      action: 'create',
    });
    expect(cost.body).toContain('事業費は0以上の整数');
  });

  it('attaches receipts (PDF/PNG/JPEG by content, size-limited), submits, and is returned then approved', async () => {
    await hospital.get('/subsidies');
    const created = await hospital.post('/subsidies', {
      projectCost: '2,500,000',
      readers: '3',
      action: 'create',
    });
    expect(created.statusCode).toBe(303);
    const url = String(created.headers.location);
    const detail = await hospital.get(url);
    expect(detail.body).toContain('951,000円');

    const notPdf = await hospital.upload(`${url}/receipts`, {
      name: 'receipt.pdf',
      type: 'application/pdf',
      bytes: Buffer.from('<html>not a receipt</html>'),
    });
    expect(notPdf.statusCode).toBe(400);
    expect(notPdf.body).toContain('PDF、PNG、JPEG のいずれか');
    const tooBig = await hospital.upload(`${url}/receipts`, {
      name: 'big.pdf',
      type: 'application/pdf',
      bytes: Buffer.concat([PDF, Buffer.alloc(h.config.maxReceiptBytes)]),
    });
    expect(tooBig.statusCode).toBe(413);

    await hospital.get(url);
    expect((await hospital.post(`${url}/submit`, {})).statusCode).toBe(400); // no receipt yet
    await hospital.get(url);
    expect(
      (
        await hospital.upload(`${url}/receipts`, {
          name: '領収書.pdf',
          type: 'application/pdf',
          bytes: PDF,
        })
      ).statusCode,
    ).toBe(303);
    const withReceipt = await hospital.get(url);
    const receiptUrl = /href="(\/subsidies\/\d+\/receipts\/\d+)"/.exec(withReceipt.body)?.[1] ?? '';
    expect((await hospital.get(receiptUrl)).rawPayload.equals(PDF)).toBe(true);
    expect((await clinic.get(receiptUrl)).statusCode).toBe(404);
    expect((await clinic.get(url)).statusCode).toBe(404);

    // The submit is the 確認 page's: a post without it shows that page and submits nothing.
    const skipped = await hospital.post(`${url}/submit`, {});
    expect(skipped.statusCode).toBe(303);
    expect(skipped.headers.location).toBe(`${url}/confirm`);
    const confirmStep = await hospital.get(`${url}/confirm`);
    expect(confirmStep.body).toContain('aria-current="step"');
    expect(confirmStep.body).toMatch(/class="current"[^>]*>\s*2\. 確認/);
    expect(confirmStep.body).toContain('領収書.pdf');
    expect(confirmStep.body).toContain('この内容で提出する');
    expect((await hospital.get(url)).body).not.toContain('提出済み（審査中）');
    await hospital.get(`${url}/confirm`);
    const submitted = await hospital.post(`${url}/submit`, { confirm: '1' });
    expect(submitted.statusCode).toBe(303);
    expect(submitted.headers.location).toBe(`${url}/complete`);
    expect((await hospital.get(url)).body).toContain('提出済み（審査中）');
    // Once submitted, the 確認 page leads back to the application.
    expect((await hospital.get(`${url}/confirm`)).statusCode).toBe(303);

    const id = url.split('/').pop();
    await operator.get(`/operator/subsidies/${id}`);
    const noReason = await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'returned',
      note: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('差し戻しの理由を入力してください');
    // Without the confirmation step, nothing is decided.
    const confirmPage = await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'returned',
      note: '領収書の日付が読めません',
    });
    expect(confirmPage.statusCode).toBe(200);
    expect(confirmPage.body).toContain('差し戻しを確定する');
    expect((await hospital.get(url)).body).toContain('提出済み（審査中）');
    await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'returned',
      note: '領収書の日付が読めません',
      confirm: '1',
    });
    expect((await hospital.get(url)).body).toContain('領収書の日付が読めません');

    await hospital.get(url);
    await hospital.post(`${url}/submit`, { confirm: '1' });
    await operator.get(`/operator/subsidies/${id}`);
    expect(
      (
        await operator.post(`/operator/subsidies/${id}/decide`, {
          decision: 'approved',
          note: '',
          confirm: '1',
        })
      ).statusCode,
    ).toBe(303);
    expect((await hospital.get(url)).body).toMatch(/id="subsidy-status">\s*承認/);
    const twice = await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'approved',
      note: '',
      confirm: '1',
    });
    // The same decision again (a double click, a second tab): its page, nothing decided twice.
    expect(twice.statusCode).toBe(303);
    expect(twice.headers.location).toBe(`/operator/subsidies/${id}`);
    const other = await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'rejected',
      note: '理由',
      confirm: '1',
    });
    expect(other.statusCode).toBe(409);
    expect(other.body).toContain('コード: ALREADY_DECIDED');
    const subjects = (await listMail(h.handle, { to: 'hospital@example.jp' })).map(
      (m) => m.subject,
    );
    expect(subjects.slice(0, 2)).toEqual([
      '【医療機関等向けポータルサイト】補助金申請が承認されました',
      '【医療機関等向けポータルサイト】補助金申請が差し戻されました',
    ]);
  });
});

describe('a subsidy not approved (不承認)', () => {
  it('needs a reason and a confirmation, mails the facility and shows the reason', async () => {
    const pharmacy = await signUp(h.app, {
      institutionCode: '1340000015',
      facilityType: 'pharmacy',
      email: 'pharmacy@example.jp',
    });
    await applyForReaders(pharmacy, 1);
    await pharmacy.get('/subsidies');
    const url = String(
      (await pharmacy.post('/subsidies', { projectCost: '300000', readers: '1', action: 'create' }))
        .headers.location,
    );
    await pharmacy.get(url);
    await pharmacy.upload(`${url}/receipts`, {
      name: 'r.pdf',
      type: 'application/pdf',
      bytes: PDF,
    });
    await pharmacy.get(url);
    await pharmacy.post(`${url}/submit`, { confirm: '1' });
    await operator.get(`/operator${url}`);
    const noReason = await operator.post(`/operator${url}/decide`, { decision: 'rejected' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('不承認の理由を入力してください。');
    const reason = '補助対象外の費用（パソコン本体のみ）です';
    const confirm = await operator.post(`/operator${url}/decide`, {
      decision: 'rejected',
      note: reason,
    });
    expect(confirm.body).toContain('不承認を確定する');
    const decided = await operator.post(`/operator${url}/decide`, {
      decision: 'rejected',
      note: reason,
      confirm: '1',
    });
    expect(decided.statusCode).toBe(303);
    const page = await pharmacy.get(url);
    expect(page.body).toContain('不承認の理由');
    expect(page.body).toContain(reason);
    const [mail] = await listMail(h.handle, { to: 'pharmacy@example.jp' });
    expect(mail?.subject).toContain('補助金申請が承認されませんでした');
    expect(mail?.body).toContain(reason);
  });
});

describe('one subsidy per facility', () => {
  it('points a second application at the existing one, and refuses a facility without readers', async () => {
    const second = await hospital.post('/subsidies', {
      projectCost: '2,500,000',
      readers: '3',
      action: 'create',
    });
    expect(second.statusCode).toBe(409);
    const [existing] = await listSubsidyApplications(h.handle, { institutionCode: '1310000011' });
    expect(second.body).toContain(`この施設の補助金申請はすでにあります（申請番号`);
    expect(second.body).toContain(`href="/subsidies/${existing?.id}"`);
    // The list page says so before anyone tries.
    expect((await hospital.get('/subsidies')).body).not.toContain('action="/subsidies" novalidate');

    const bare = await signUp(h.app, {
      institutionCode: '0110113727',
      facilityType: 'clinic',
      email: 'bare@example.jp',
    });
    expect((await bare.get('/subsidies')).body).toContain('カードリーダーのお申し込みがないため');
    const refused = await bare.post('/subsidies', {
      projectCost: '429000',
      readers: '1',
      action: 'create',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="/readers"');
    expect(await listSubsidyApplications(h.handle, { institutionCode: '0110113727' })).toEqual([]);
  });

  it('frees the slot when a draft is withdrawn', async () => {
    await clinic.get('/subsidies');
    const created = await clinic.post('/subsidies', {
      projectCost: '100000',
      readers: '1',
      action: 'create',
    });
    const url = String(created.headers.location);
    await clinic.get(url);
    expect((await clinic.post(`${url}/withdraw`, {})).statusCode).toBe(303);
    expect((await clinic.get(url)).body).toContain('取り下げ');
    await clinic.get('/subsidies');
    expect(
      (await clinic.post('/subsidies', { projectCost: '200000', readers: '1', action: 'create' }))
        .statusCode,
    ).toBe(303);
  });
});

// Double clicks and two operators, on each database the run has (PGlite runs one statement at a
// time; PostgreSQL runs the requests' transactions side by side).
describe.each(testDatabaseKinds())('subsidies under concurrency [%s]', (kind) => {
  it('ten identical applications record one; ten approvals approve once and mail once', async () => {
    const rush = await startHarness('2021-09-01T10:00:00+09:00', {}, kind);
    try {
      const facility = await signUp(rush.app, {
        institutionCode: '1310000011',
        facilityType: 'hospital',
        email: 'rush-hospital@example.jp',
      });
      await applyForReaders(facility, 3);
      await facility.get('/subsidies');
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          facility.post('/subsidies', { projectCost: '2500000', readers: '3', action: 'create' }),
        ),
      );
      expect(answers.filter((a) => a.statusCode === 303)).toHaveLength(1);
      expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(9);
      const filed = await listSubsidyApplications(rush.handle, { institutionCode: '1310000011' });
      expect(filed).toHaveLength(1);
      const url = `/subsidies/${filed[0]?.id}`;
      await facility.get(url);
      await facility.upload(`${url}/receipts`, {
        name: 'r.pdf',
        type: 'application/pdf',
        bytes: PDF,
      });
      await facility.get(url);
      expect((await facility.post(`${url}/submit`, { confirm: '1' })).statusCode).toBe(303);

      const [first, second] = [
        await staffClient(rush.app, rush.handle, 'operator', 'op1@example.jp'),
        await staffClient(rush.app, rush.handle, 'operator', 'op2@example.jp'),
      ];
      await first.get(`/operator${url}`);
      await second.get(`/operator${url}`);
      const decisions = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? first : second).post(`/operator${url}/decide`, {
            decision: 'approved',
            note: '',
            confirm: '1',
          }),
        ),
      );
      // The same approval ten times: each answered with the application's page, approved once.
      expect(decisions.map((d) => d.statusCode)).toEqual(Array(10).fill(303));
      expect(filed[0] && (await findSubsidyApplication(rush.handle, filed[0].id))?.status).toBe(
        'approved',
      );
      const approvals = (await listMail(rush.handle, { to: 'rush-hospital@example.jp' })).filter(
        (m) => m.subject.includes('補助金申請が承認されました'),
      );
      expect(approvals).toHaveLength(1);
    } finally {
      await rush.close();
    }
  });
});
