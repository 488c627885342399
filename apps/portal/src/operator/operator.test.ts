import { insertInstitutions } from '@shikaku/db/portal/accounts';
import { listMail } from '@shikaku/db/portal/mail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  findMyNumbers,
  type Harness,
  seenBodies,
  signUp,
  startHarness,
} from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';
import { campaignDates } from './routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('2021-09-15T10:00:00+09:00');
  const at = (iso: string) => new Date(`${iso}T10:00:00+09:00`);
  await insertInstitutions(h.handle, [
    {
      institutionCode: '0110113719',
      name: 'A',
      facilityType: 'clinic',
      largeChain: false,
      prefecture: '01',
      createdAt: at('2021-01-01'),
    },
    {
      institutionCode: '1310000011',
      name: 'B',
      facilityType: 'hospital',
      largeChain: false,
      prefecture: '13',
      createdAt: at('2021-01-01'),
      readerAppliedAt: at('2021-02-10'),
      usageAppliedAt: at('2021-05-01'),
      operatingAt: at('2021-06-20'),
    },
    {
      institutionCode: '1340000015',
      name: 'C',
      facilityType: 'pharmacy',
      largeChain: true,
      prefecture: '13',
      createdAt: at('2021-01-01'),
      readerAppliedAt: at('2021-03-10'),
    },
  ]);
});
afterAll(() => h.close());

describe('operator pages', () => {
  it('need the operator (or call-centre) role', async () => {
    expect((await new Client(h.app).get('/operator')).statusCode).toBe(303);
    const institution = await signUp(h.app, {
      institutionCode: '2710000015',
      facilityType: 'clinic',
      email: 'x@example.jp',
    });
    expect((await institution.get('/operator')).statusCode).toBe(403);
    expect((await institution.get('/operator/subsidies')).statusCode).toBe(403);
    await institution.get('/');
    expect(
      (await institution.post('/operator/notices', { title: 't', body: 'b' })).statusCode,
    ).toBe(403);
  });

  it('shows the national funnel by type, prefecture and over time, with SVG charts', async () => {
    const operator = await staffClient(h.app, h.handle, 'operator');
    const page = await operator.get('/operator');
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/<svg /g)?.length).toBe(3);
    // 4 institutions: one not applied (+ the one that signed up), one applied, one operating.
    expect(page.body).toMatch(/4 施設/);
    expect(page.body).toContain('東京都');
    const json = await operator.get('/api/v1/campaign/funnel');
    const counts = (JSON.parse(json.body) as { counts: Array<{ stage: string; count: number }> })
      .counts;
    const byStage = Object.fromEntries(
      ['not_applied', 'applied', 'operating'].map((s) => [
        s,
        counts.filter((c) => c.stage === s).reduce((n, c) => n + c.count, 0),
      ]),
    );
    expect(byStage).toEqual({ not_applied: 2, applied: 1, operating: 1 });
  });

  it('shows the milestones and the 90 % target, and exports each table as CSV', async () => {
    const operator = await staffClient(h.app, h.handle, 'operator', 'csv-op@example.jp');
    const page = await operator.get('/operator');
    // 2021-09-15: pre-operation and concentrated introduction have come, full operation has not.
    expect(page.body).toMatch(/プレ運用開始<\/th>\s*<td>2021年3月4日<\/td>\s*<td>到来/);
    expect(page.body).toMatch(/本格運用開始<\/th>\s*<td>2021年10月20日<\/td>\s*<td>予定/);
    expect(page.body).toMatch(/約90%で導入（現在\s*<strong id="operating-share"\s*>25\.0%/);
    const byType = await operator.get('/operator/campaign.csv?by=type');
    expect(byType.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = byType.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('"施設の種類","未申込","申込済み","準備中（利用申請済み）","運用中"');
    expect(lines).toContain('"病院","0","0","0","1"');
    const byPref = await operator.get('/operator/campaign.csv?by=prefecture');
    expect(byPref.body).toContain('"東京都",');
    expect((await new Client(h.app).get('/operator/campaign.csv')).statusCode).not.toBe(200);
  });

  it('publishes a notice and mails it to every verified institution', async () => {
    const operator = await staffClient(h.app, h.handle, 'operator', 'op2@example.jp');
    await operator.get('/operator/notices');
    const empty = await operator.post('/operator/notices', { title: '', body: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('件名を入力してください');
    const sent = await operator.post('/operator/notices', {
      title: '本格運用開始のお知らせ',
      body: '10月20日から本格運用です。',
    });
    expect(sent.body).toContain('1件のメール');
    expect((await listMail(h.handle, { to: 'x@example.jp' }))[0]?.subject).toBe(
      '【最新情報】本格運用開始のお知らせ',
    );
    expect((await new Client(h.app).get('/')).body).toContain('本格運用開始のお知らせ');
  });

  it('lists month ends from February 2021 to today', () => {
    expect(campaignDates('2021-04-10')).toEqual(['2021-02-28', '2021-03-31', '2021-04-10']);
  });

  it('never shows a My Number on any page the tests visited', () => {
    expect(seenBodies.length).toBeGreaterThan(5);
    expect(seenBodies.flatMap(findMyNumbers)).toEqual([]);
    expect(findMyNumbers('x 123456789018 y')).toEqual(['123456789018']);
  });
});
