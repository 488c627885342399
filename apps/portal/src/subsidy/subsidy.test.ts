import { listMail } from '@shikaku/db/portal/mail';
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
});
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

    expect((await hospital.post(`${url}/submit`, {})).statusCode).toBe(303);
    expect((await hospital.get(url)).body).toContain('提出済み（審査中）');

    const id = url.split('/').pop();
    await operator.get(`/operator/subsidies/${id}`);
    const noReason = await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'returned',
      note: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('差し戻しの理由を入力してください');
    await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'returned',
      note: '領収書の日付が読めません',
    });
    expect((await hospital.get(url)).body).toContain('領収書の日付が読めません');

    await hospital.get(url);
    await hospital.post(`${url}/submit`, {});
    await operator.get(`/operator/subsidies/${id}`);
    expect(
      (await operator.post(`/operator/subsidies/${id}/decide`, { decision: 'approved', note: '' }))
        .statusCode,
    ).toBe(303);
    expect((await hospital.get(url)).body).toMatch(/id="subsidy-status">\s*承認/);
    const twice = await operator.post(`/operator/subsidies/${id}/decide`, {
      decision: 'approved',
      note: '',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('コード: ALREADY_DECIDED');
    const subjects = (await listMail(h.handle, { to: 'hospital@example.jp' })).map(
      (m) => m.subject,
    );
    expect(subjects.slice(0, 2)).toEqual([
      '【医療機関等向けポータルサイト】補助金申請が承認されました',
      '【医療機関等向けポータルサイト】補助金申請が差し戻されました',
    ]);
  });
});
