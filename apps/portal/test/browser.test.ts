// The main journeys in headless Chromium (Debian's, through playwright-core): sign up and verify,
// 機種未定 then a model before the deadline, a missed deadline and its cancellation, usage approval
// and credentials, a subsidy and its amount, the FAQ. The invariants (one subsidy, credentials kept
// on reload, decisions with reasons) and the consultation desk are in browser-invariants.test.ts.
// Skips, saying so, when Chromium is not installed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReaderDeadlineJob } from '../src/jobs/reader-deadline.js';
import { type Harness, startHarness } from '../src/testing/harness.js';
import { staffClient } from '../src/testing/staff.js';
import {
  applyForUsage,
  chromiumAvailable,
  go,
  launchBrowser,
  login,
  reload,
  shot,
  STAFF_PASSWORD,
  signUpAndLogin,
  skipWithoutChromium,
  submit,
  text,
} from './browser-kit.js';

skipWithoutChromium('browser journeys');

describe.runIf(chromiumAvailable)(
  'browser journeys (headless Chromium)',
  { timeout: 120_000 },
  () => {
    let h: Harness;
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      h = await startHarness('2021-03-10T10:00:00+09:00');
      base = await h.app.listen({ host: '127.0.0.1', port: 0 });
      h.config.publicUrl = base;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await h?.close();
    });

    it('signs up with a wrong check digit, sees the error by the field, fixes it and verifies the email', async () => {
      const page = await browser.newPage();
      await go(page, `${base}/signup`);
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
      await signUpAndLogin(fresh, base, {
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
      await login(page, base, 'browser@example.jp');
      await go(page, `${base}/readers`);
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
      await reload(page);
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
      await signUpAndLogin(page, base, {
        code: '1330000017',
        name: 'ブラウザ歯科',
        type: 'dental-clinic',
        email: 'late@example.jp',
      });
      await go(page, `${base}/readers`);
      await page.selectOption('#model', 'undecided');
      await submit(page, 'form[action="/readers/confirm"] button');
      await submit(page, '#confirmation form[action="/readers"] button');
      await submit(page, '#detail-link');
      const detailUrl = page.url();

      h.clock.set('2021-08-02T09:00:00+09:00');
      expect(await runReaderDeadlineJob(h.handle, h.clock)).toMatchObject({ cancelled: 1 });
      await go(page, detailUrl);
      expect(await text(page, '#status')).toContain(
        '取消（機種選定期限 2021年8月1日 までに機種が選定されませんでした）',
      );
      expect(await page.locator('form[action$="/model"]').count()).toBe(0);
      await shot(page, '04-reader-cancelled');
      await go(page, `${base}/mailbox?to=late@example.jp`);
      expect(await text(page, 'section.mail h2')).toContain('お申し込みを取り消しました');
      await context.close();
    });

    it('applies for use, is approved by an operator, and receives credentials once', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await login(page, base, 'browser@example.jp');
      expect(await applyForUsage(page, base)).toMatch(/^U-\d{7}$/);
      await submit(page, '#detail-link');
      expect(await text(page, 'main')).toContain('審査中');

      // The operator approves (over the same pages, in another browser).
      await staffClient(h.app, h.handle, 'operator', 'browser-op@example.jp');
      const op = await (await browser.newContext()).newPage();
      await login(op, base, 'browser-op@example.jp', STAFF_PASSWORD);
      await go(op, `${base}/operator/usage`);
      await submit(op, 'form[action$="/approve"] button');
      expect(await text(op, 'main')).toContain('承認済み');
      await go(op, `${base}/operator`);
      expect(await op.locator('svg').count()).toBe(3);
      await shot(op, '05-operator-dashboard');

      await reload(page);
      await submit(page, 'form[action="/usage/credentials"] button');
      const clientId = (await page.locator('#client-id').innerText()).trim();
      const secret = (await page.locator('#client-secret').innerText()).trim();
      expect(h.eligibility.issued.at(-1)).toEqual({ clientId, clientSecret: secret });
      expect(new URL(page.url()).pathname).toBe('/usage/credentials/issued');
      await shot(page, '06-credentials');
      // Reloading the page that showed the secret issues nothing and revokes nothing.
      for (let i = 0; i < 3; i++) {
        await reload(page);
        expect(await text(page, '#already-shown')).toContain('一度だけ表示しました');
        expect(await page.content()).not.toContain(secret);
      }
      await shot(page, '06b-credentials-reloaded');
      expect(h.eligibility.revoked).toEqual([]);
      expect(h.eligibility.login(clientId, secret)).toBe('OK');
      await go(page, `${base}/usage`);
      expect(await text(page, 'main')).toContain(clientId);
      expect(await page.content()).not.toContain(secret);
      await context.close();
    });

    it('applies for a subsidy and sees the amount', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await login(page, base, 'browser@example.jp');
      await go(page, `${base}/subsidies`);
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

    for (const width of [375, 1280]) {
      it(`asks 「シカク」: dated answers, kana forms, and "cannot answer" with the centre (${width} px)`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        const ask = async (q: string) => {
          await go(page, `${base}/faq`);
          await page.fill('#q', q);
          await submit(page, 'form[action="/faq"] button');
        };
        h.clock.set('2021-10-19T10:00:00+09:00');
        await ask('ほんかくうんようはいつから');
        expect(await text(page, '#answer-text')).toContain(
          '本格運用は2021年10月20日から始まる予定',
        );
        expect(await text(page, 'header .today')).toContain('本日：2021年10月19日（火）');
        h.clock.set('2021-10-20T10:00:00+09:00');
        await reload(page);
        expect(await text(page, '#answer-text')).toContain('本格運用が始まりました');
        await ask('きしゅみていのきげん');
        expect(await text(page, '#answer .hint')).toContain('FAQ-08');
        await ask('カードリーダーが赤く点滅して動きません');
        expect(await text(page, '#no-answer')).toContain('お答えできません');
        expect(await text(page, '#answer')).toContain('0800-080-4583');
        expect(await page.locator('#related').count()).toBe(0);
        await shot(page, `09-faq-no-answer-${width}`);
        await context.close();
      });
    }
  },
);
