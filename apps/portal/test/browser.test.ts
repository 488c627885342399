// The main journeys in headless Chromium (Debian's, through playwright-core): sign up and verify,
// 機種未定 then a model before the deadline, a missed deadline and its cancellation, usage approval
// and credentials, a subsidy and its amount. Skips, saying so, when Chromium is not installed.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReaderDeadlineJob } from '../src/jobs/reader-deadline.js';
import { type Harness, startHarness } from '../src/testing/harness.js';
import { staffClient } from '../src/testing/staff.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Set PORTAL_SCREENSHOTS=<dir> to keep screenshots of the pages walked. */
const SHOTS = process.env.PORTAL_SCREENSHOTS;
const available = existsSync(CHROMIUM);

if (!available) {
  describe('browser journeys', () => {
    it.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium): browser tests skipped`, () => {});
  });
}

describe.runIf(available)('browser journeys (headless Chromium)', { timeout: 120_000 }, () => {
  let h: Harness;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    h = await startHarness('2021-03-10T10:00:00+09:00');
    base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    h.config.publicUrl = base;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Visible text of the first match, whitespace collapsed. */
  const text = async (page: Page, selector: string) =>
    (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
  /** Clicks a submit button or link and waits for the page it leads to. */
  const submit = async (page: Page, selector: string) => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  };

  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

  async function signUpAndLogin(
    page: Page,
    fields: { code: string; name: string; type: string; email: string },
  ) {
    await page.goto(`${base}/signup`);
    await page.fill('#institutionCode', fields.code);
    await page.fill('#name', fields.name);
    await page.selectOption('#facilityType', fields.type);
    await page.fill('#email', fields.email);
    await page.fill('#password', 'browser-pass-2021');
    await page.fill('#passwordConfirm', 'browser-pass-2021');
    await submit(page, 'button[type=submit]');
    expect(await text(page, 'h1')).toContain('確認メールを送信しました');
    await submit(page, 'a[href="/mailbox"]');
    await page.fill('#to', fields.email);
    await submit(page, 'form[action="/mailbox"] button');
    await submit(page, 'section.mail a[href*="/verify?token="]');
    expect(await text(page, 'main')).toContain('メールアドレスを確認しました');
    await submit(page, 'main a[href="/login"]');
    await page.fill('#email', fields.email);
    await page.fill('#password', 'browser-pass-2021');
    await submit(page, 'main button[type=submit]');
    expect(await text(page, 'h1')).toContain('マイページ');
  }

  it('signs up with a wrong check digit, sees the error by the field, fixes it and verifies the email', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/signup`);
    await page.fill('#institutionCode', '0110113718');
    await page.fill('#name', 'ブラウザ医院');
    await page.selectOption('#facilityType', 'clinic');
    await page.fill('#email', 'browser@example.jp');
    await page.fill('#password', 'browser-pass-2021');
    await page.fill('#passwordConfirm', 'browser-pass-2021');
    await submit(page, 'button[type=submit]');
    expect(await text(page, '#institutionCode-error')).toContain(
      '検証番号（10桁目）が一致しません',
    );
    expect(await page.inputValue('#name')).toBe('ブラウザ医院');
    await shot(page, '01-signup-error');
    await page.close();

    const fresh = await browser.newPage();
    await signUpAndLogin(fresh, {
      code: '0110113719',
      name: 'ブラウザ医院',
      type: 'clinic',
      email: 'browser@example.jp',
    });
    await shot(fresh, '02-mypage');
    await fresh.close();
  });

  it('applies with 機種未定 and chooses a model before the deadline', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#email', 'browser@example.jp');
    await page.fill('#password', 'browser-pass-2021');
    await submit(page, 'main button[type=submit]');
    await page.goto(`${base}/readers`);
    await page.selectOption('#model', 'undecided');
    await page.fill('#quantity', '1');
    await submit(page, 'form[action="/readers/confirm"] button');
    expect(await text(page, '#confirmation')).toContain('機種未定');
    await shot(page, '03a-reader-confirm');
    await submit(page, '#confirmation form[action="/readers"] button');
    expect(await text(page, '#reception-number')).toMatch(/^R-\d{7}$/);
    expect(await text(page, '#status')).toContain(
      '機種未定：2021年8月1日 までに機種を選定してください',
    );
    await shot(page, '03b-reader-complete');
    await submit(page, '#detail-link');

    h.clock.set('2021-07-30T15:00:00+09:00');
    await page.reload();
    await page.selectOption('#model', 'panasonic');
    await submit(page, 'form[action$="/model"] button');
    expect(await text(page, '#status')).toContain('申込済み（機種選定済み）');
    expect(await text(page, '#current-model')).toContain('パナソニック');
    await shot(page, '03-reader-model-chosen');
    await context.close();
  });

  it('misses the deadline and sees the cancellation, on the page and by mail', async () => {
    h.clock.set('2021-03-20T10:00:00+09:00');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUpAndLogin(page, {
      code: '1330000017',
      name: 'ブラウザ歯科',
      type: 'dental-clinic',
      email: 'late@example.jp',
    });
    await page.goto(`${base}/readers`);
    await page.selectOption('#model', 'undecided');
    await submit(page, 'form[action="/readers/confirm"] button');
    await submit(page, '#confirmation form[action="/readers"] button');
    await submit(page, '#detail-link');
    const detailUrl = page.url();

    h.clock.set('2021-08-02T09:00:00+09:00');
    expect(await runReaderDeadlineJob(h.handle, h.clock)).toMatchObject({ cancelled: 1 });
    await page.goto(detailUrl);
    expect(await text(page, '#status')).toContain(
      '取消（機種選定期限 2021年8月1日 までに機種が選定されませんでした）',
    );
    expect(await page.locator('form[action$="/model"]').count()).toBe(0);
    await shot(page, '04-reader-cancelled');
    await page.goto(`${base}/mailbox?to=late@example.jp`);
    expect(await text(page, 'section.mail h2')).toContain('お申し込みを取り消しました');
    await context.close();
  });

  it('applies for use, is approved by an operator, and receives credentials once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#email', 'browser@example.jp');
    await page.fill('#password', 'browser-pass-2021');
    await submit(page, 'main button[type=submit]');
    await page.goto(`${base}/usage`);
    await submit(page, 'form[action="/usage/confirm"] button');
    await submit(page, '#confirmation form[action="/usage"] button');
    expect(await text(page, '#reception-number')).toMatch(/^U-\d{7}$/);
    await submit(page, '#detail-link');
    expect(await text(page, 'main')).toContain('審査中');

    // The operator approves (over the same pages, in another browser).
    await staffClient(h.app, h.handle, 'operator', 'browser-op@example.jp');
    const op = await (await browser.newContext()).newPage();
    await op.goto(`${base}/login`);
    await op.fill('#email', 'browser-op@example.jp');
    await op.fill('#password', 'staff-password-1');
    await submit(op, 'main button[type=submit]');
    await op.goto(`${base}/operator/usage`);
    await submit(op, 'form[action$="/approve"] button');
    expect(await text(op, 'main')).toContain('承認済み');
    await op.goto(`${base}/operator`);
    expect(await op.locator('svg').count()).toBe(3);
    await shot(op, '05-operator-dashboard');

    await page.reload();
    await submit(page, 'form[action="/usage/credentials"] button');
    const clientId = (await page.locator('#client-id').innerText()).trim();
    const secret = (await page.locator('#client-secret').innerText()).trim();
    expect(h.eligibility.issued.at(-1)).toEqual({ clientId, clientSecret: secret });
    expect(new URL(page.url()).pathname).toBe('/usage/credentials/issued');
    await shot(page, '06-credentials');
    // Reloading the page that showed the secret issues nothing and revokes nothing.
    for (let i = 0; i < 3; i++) {
      await page.reload();
      expect(await text(page, '#already-shown')).toContain('一度だけ表示しました');
      expect(await page.content()).not.toContain(secret);
    }
    await shot(page, '06b-credentials-reloaded');
    expect(h.eligibility.revoked).toEqual([]);
    expect(h.eligibility.login(clientId, secret)).toBe('OK');
    await page.goto(`${base}/usage`);
    expect(await text(page, 'main')).toContain(clientId);
    expect(await page.content()).not.toContain(secret);
    await context.close();
  });

  it('applies for a subsidy and sees the amount', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#email', 'browser@example.jp');
    await page.fill('#password', 'browser-pass-2021');
    await submit(page, 'main button[type=submit]');
    await page.goto(`${base}/subsidies`);
    await page.fill('#projectCost', '500000');
    await page.fill('#readers', '1');
    await submit(page, 'button[value=preview]');
    expect(await text(page, '#subsidy-preview')).toContain('321,000円');
    await submit(page, 'button[value=create]');
    expect(await text(page, '#subsidy-amount')).toContain('321,000円');
    await page.setInputFiles('#receipt', {
      name: '領収書.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
    });
    await submit(page, 'form[action$="/receipts"] button');
    expect(await text(page, 'main')).toContain('領収書.pdf');
    await submit(page, '#to-confirm');
    expect(await text(page, 'ol.steps li.current')).toContain('確認');
    expect(await text(page, '#confirmation')).toContain('321,000円');
    expect(await text(page, 'main')).toContain('領収書.pdf');
    await shot(page, '07-subsidy-confirm');
    await submit(page, '#submit-subsidy');
    expect(await text(page, '#reception-number')).toMatch(/^S-\d{7}$/);
    expect(await text(page, '#subsidy-status')).toContain('提出済み（審査中）');
    await shot(page, '07-subsidy');
    await context.close();
  });

  /** Logs a page in with a password (the staff's is staff-password-1). */
  async function login(page: Page, email: string, password = 'browser-pass-2021') {
    await page.goto(`${base}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await submit(page, 'main button[type=submit]');
  }
  /** No horizontal overflow: the page fits the viewport's width. */
  const fitsWidth = async (page: Page) =>
    page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  it('refuses a second subsidy application with a link to the first (375 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await login(page, 'browser@example.jp');
    await page.goto(`${base}/subsidies`);
    expect(await text(page, '#subsidy-refusal')).toContain('この施設の補助金申請はすでにあります');
    await submit(page, '#subsidy-refusal a');
    expect(await text(page, '#subsidy-status')).toContain('提出済み（審査中）');
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, '08-subsidy-duplicate-375');
    await context.close();
  });

  it('shows the credential and subsidy pages within 375 px (already shown, rotation, the application)', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await login(page, 'browser@example.jp');
    await page.goto(`${base}/usage/credentials/issued`);
    expect(await text(page, '#already-shown')).toContain('一度だけ表示しました');
    expect(await fitsWidth(page)).toBe(true);
    await page.goto(`${base}/usage/credentials/rotate`);
    expect(await page.locator('#confirm').count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    await page.goto(`${base}/usage`);
    expect(await fitsWidth(page)).toBe(true);
    await page.goto(`${base}/subsidies`);
    await submit(page, '#subsidy-refusal a');
    expect(await text(page, '#subsidy-amount')).toContain('321,000円');
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, '08b-subsidy-detail-375');
    await context.close();
  });

  for (const width of [375, 1280]) {
    it(`consults the desk, which replies and extends the deadline; the job respects it (${width} px)`, async () => {
      h.clock.set('2021-03-20T10:00:00+09:00');
      const viewport = { width, height: 900 };
      const facility = await (await browser.newContext({ viewport })).newPage();
      const email = `desk-${width}@example.jp`;
      await signUpAndLogin(facility, {
        code: width === 375 ? '0130000011' : '0130000029',
        name: `相談歯科${width}`,
        type: 'dental-clinic',
        email,
      });
      await facility.goto(`${base}/readers`);
      await facility.selectOption('#model', 'undecided');
      await facility.fill('#consultationReason', 'システム事業者から見積りが届いていない');
      await submit(facility, 'form[action="/readers/confirm"] button');
      await submit(facility, '#confirmation form[action="/readers"] button');
      await submit(facility, '#detail-link');
      const detailUrl = facility.url();
      const id = detailUrl.split('/').pop() ?? '';

      await staffClient(h.app, h.handle, 'operator', `desk-op-${width}@example.jp`);
      const desk = await (await browser.newContext({ viewport })).newPage();
      await login(desk, `desk-op-${width}@example.jp`, 'staff-password-1');
      await desk.goto(`${base}/operator/consultations?status=open`);
      expect(await fitsWidth(desk)).toBe(true);
      await submit(desk, `a[href="/operator/consultations/${id}"]`);
      // An empty reply: the error summary takes focus.
      await submit(desk, 'form[action$="/replies"] button');
      expect(await desk.evaluate<string>('document.activeElement?.id')).toBe('error-summary');
      await shot(desk, `09-desk-error-${width}`);
      await desk.fill('#body', '見積りの依頼日を教えてください。');
      await submit(desk, 'form[action$="/replies"] button');
      await desk.check('input[name=decision][value=extend]');
      await desk.fill('#until', '2021年8月31日');
      await submit(desk, 'form[action$="/decision"] button');
      expect(await text(desk, '#confirmation')).toContain('2021年8月31日まで延長する');
      await submit(desk, '#confirmation button');
      expect(await text(desk, '#consultation-status')).toContain('期限を延長');
      expect(await fitsWidth(desk)).toBe(true);
      await shot(desk, `10-desk-decided-${width}`);

      await facility.goto(detailUrl);
      expect(await text(facility, '#consultation-thread')).toContain(
        '見積りの依頼日を教えてください。',
      );
      expect(await text(facility, '#status')).toContain(
        '2021年8月31日 までに機種を選定してください',
      );
      expect(await fitsWidth(facility)).toBe(true);
      await shot(facility, `11-facility-consultation-${width}`);

      h.clock.set('2021-08-02T09:00:00+09:00');
      await runReaderDeadlineJob(h.handle, h.clock);
      await facility.goto(detailUrl);
      expect(await text(facility, '#status')).toContain('機種未定：2021年8月31日 まで');
      await facility.goto(`${base}/mailbox?to=${encodeURIComponent(email)}`);
      expect(await text(facility, 'main')).toContain('機種選定期限を延長しました');
      await facility.context().close();
      await desk.context().close();
    });
  }

  for (const width of [375, 1280]) {
    it(`rejects a usage application with a reason after a confirmation; the facility reads it (${width} px)`, async () => {
      const viewport = { width, height: 900 };
      const email = `rejected-${width}@example.jp`;
      h.clock.set('2021-06-01T10:00:00+09:00');
      const facility = await (await browser.newContext({ viewport })).newPage();
      await signUpAndLogin(facility, {
        code: width === 375 ? '1340000023' : '1340000015',
        name: '却下薬局',
        type: 'pharmacy',
        email,
      });
      await facility.goto(`${base}/usage`);
      await submit(facility, 'form[action="/usage/confirm"] button');
      await submit(facility, '#confirmation form[action="/usage"] button');

      await staffClient(h.app, h.handle, 'operator', `reject-op-${width}@example.jp`);
      const op = await (await browser.newContext({ viewport })).newPage();
      await login(op, `reject-op-${width}@example.jp`, 'staff-password-1');
      await op.goto(`${base}/operator/usage`);
      await submit(op, 'a[href$="/reject"]');
      await submit(op, 'main form button');
      expect(await op.evaluate<string>('document.activeElement?.id')).toBe('error-summary');
      await op.fill('#reason', '名称が登録内容と一致しません');
      await submit(op, 'main form button');
      expect(await text(op, '#confirmation')).toContain('名称が登録内容と一致しません');
      expect(await fitsWidth(op)).toBe(true);
      await shot(op, `12-usage-reject-confirm-${width}`);
      await submit(op, '#confirmation button');
      expect(await text(op, 'main')).toContain('却下');

      await facility.goto(`${base}/usage`);
      expect(await text(facility, '.usage-reason')).toContain('名称が登録内容と一致しません');
      expect(await fitsWidth(facility)).toBe(true);
      await facility.goto(`${base}/mailbox?to=${encodeURIComponent(email)}`);
      expect(await text(facility, 'main')).toContain('利用申請が承認されませんでした');
      await facility.context().close();
      await op.context().close();
    });
  }
  for (const width of [375, 1280]) {
    it(`asks 「シカク」: dated answers, kana forms, and "cannot answer" with the centre (${width} px)`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const ask = async (q: string) => {
        await page.goto(`${base}/faq`);
        await page.fill('#q', q);
        await submit(page, 'form[action="/faq"] button');
      };
      h.clock.set('2021-10-19T10:00:00+09:00');
      await ask('ほんかくうんようはいつから');
      expect(await text(page, '#answer-text')).toContain('本格運用は2021年10月20日から始まる予定');
      expect(await text(page, 'header .today')).toContain('本日：2021年10月19日（火）');
      h.clock.set('2021-10-20T10:00:00+09:00');
      await page.reload();
      expect(await text(page, '#answer-text')).toContain('本格運用が始まりました');
      await ask('きしゅみていのきげん');
      expect(await text(page, '#answer .hint')).toContain('FAQ-08');
      await ask('カードリーダーが赤く点滅して動きません');
      expect(await text(page, '#no-answer')).toContain('お答えできません');
      expect(await text(page, '#answer')).toContain('0800-080-4583');
      expect(await page.locator('#related').count()).toBe(0);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, `09-faq-no-answer-${width}`);
      await context.close();
    });
  }
});
