// The citizen's journeys in headless Chromium (Debian's, through playwright-core), with the real
// reader emulator as the card client on the citizen's machine (its own process, over HTTP, CORS
// allowing this site): sign in with a card and PIN and see each section; sign out, after which the
// old cookie and token open nothing; three wrong PINs lock the card; a forged signature, a revoked
// certificate and a bare serial are refused. No page carries a My Number, and no request to
// eligibility-api carries the PIN. Skips, saying so, when Chromium is not installed.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@shikaku/db/testing/test-database';
import { CHROMIUM_ARGS, findChromium } from '@shikaku/platform/testing/chromium';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_MESSAGES } from '../src/citizen/page-texts.js';
import {
  cardSigns,
  type CitizenFixture,
  createCitizenFixture,
  ISSUING_SECRET,
} from '../src/citizen/testing.js';
import { MY_NUMBER, seedQualifications, snapshot } from '../src/testing/fixture.js';

const { path: CHROMIUM, available } = findChromium(process.env);
/** Set CITIZEN_SCREENSHOTS=<dir> to keep screenshots of the pages walked. */
const SHOTS = process.env.CITIZEN_SCREENSHOTS;
const READER_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../reader-emulator');

const HANAKO = 'SERIAL-HANAKO';
const LOCKED = 'SERIAL-LOCKME';
const REVOKED = 'SERIAL-REVOKED';
const PIN = '1234'; // the emulated cards' PIN

if (!available) {
  describe('citizen browser journeys', () => {
    it.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium): browser tests skipped`, () => {});
  });
}

const freePort = () =>
  new Promise<number>((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

describe.runIf(available)(
  'citizen browser journeys (headless Chromium)',
  { timeout: 180_000 },
  () => {
    let db: TestDatabase;
    let f: CitizenFixture;
    let reader: ChildProcess | undefined;
    let readerData: string;
    let browser: Browser;
    let base: string;
    let cardClient: string;
    /** Every page's HTML as the browser had it, and every body sent to eligibility-api. */
    const html: string[] = [];
    const sentToEligibility: string[] = [];
    const sentToCard: string[] = [];
    const refused = { forgedSignature: 0, revokedCertificate: 0, bareSerial: 0, lockedCard: 0 };

    beforeAll(async () => {
      db = await createTestDatabase('pglite', '');
      cardClient = `http://127.0.0.1:${await freePort()}`;
      f = await createCitizenFixture(db.handle, { citizenCardUrl: cardClient });
      base = await f.app.listen({ host: '127.0.0.1', port: 0 });
      await seedQualifications(db.handle, [
        { personRef: 'p-hanako', qualification: snapshot() },
        {
          personRef: 'p-lock',
          qualification: snapshot({ qualificationId: 'q-lock', insuredIdentificationNumber: '77' }),
        },
      ]);
      await f.issueCards([
        { serial: HANAKO, personRef: 'p-hanako' },
        { serial: LOCKED, personRef: 'p-lock' },
        { serial: REVOKED, personRef: 'p-lock' },
      ]);
      f.upstream.cards.get(REVOKED)!.status = 'revoked';

      // The reader emulator as its own process: the card client the sign-in page's script calls.
      readerData = await mkdtemp(join(tmpdir(), 'citizen-browser-'));
      reader = spawn(
        process.execPath,
        ['--conditions=@shikaku/source', '--import', 'tsx', 'src/server.ts'],
        {
          cwd: READER_DIR,
          stdio: 'ignore',
          env: {
            ...process.env,
            READER_HOST: '127.0.0.1',
            READER_PORT: new URL(cardClient).port,
            READER_DATA_DIR: readerData,
            READER_CLIENT_ID: 'browser-test',
            READER_CLIENT_SECRET: 'browser-test',
            READER_INSTITUTION_CODE: '0110113719',
            ELIGIBILITY_URL: base,
            READER_CARD_KEY_SECRET: ISSUING_SECRET,
            READER_CITIZEN_ORIGIN: base,
            LOG_LEVEL: 'warn',
          },
        },
      );
      for (let tries = 0; ; tries++) {
        const up = await fetch(`${cardClient}/v1/readers`).then(
          () => true,
          () => false,
        );
        if (up) break;
        if (tries > 300 || reader.exitCode !== null)
          throw new Error('the reader emulator did not start');
        await new Promise((done) => setTimeout(done, 200));
      }
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      if (SHOTS) await mkdir(SHOTS, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
      if (reader?.pid && reader.exitCode === null) {
        const exited = new Promise((done) => reader!.once('exit', done));
        process.kill(reader.pid, 'SIGTERM');
        await exited;
      }
      await f?.close();
      await db?.cleanup();
      if (readerData) await rm(readerData, { recursive: true, force: true });
      // The privacy boundary, on every page the browser saw; the PIN went to the card client only.
      expect(html.length).toBeGreaterThan(10);
      for (const page of html) expect(page).not.toContain(MY_NUMBER);
      expect(sentToEligibility.some((body) => body.includes('signature='))).toBe(true);
      for (const body of sentToEligibility) expect(body).not.toMatch(/"pin"|(^|&)pin=/);
      expect(sentToCard.filter((body) => body.includes('"pin"')).length).toBeGreaterThan(5);
      // The refusals these journeys walked, counted.
      expect(refused).toEqual({
        forgedSignature: 1,
        revokedCertificate: 1,
        bareSerial: 6,
        lockedCard: 2,
      });
    });

    /** A fresh browser context (no cookies) whose every page and request body is kept. */
    const newPage = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('request', (request) => {
        if (request.url().startsWith(base)) sentToEligibility.push(request.postData() ?? '');
        if (request.url().startsWith(cardClient)) sentToCard.push(request.postData() ?? '');
      });
      page.on('load', () => {
        void page.content().then(
          (content) => html.push(content),
          () => undefined,
        );
      });
      return page;
    };
    const text = async (page: Page, selector: string) =>
      (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
    const shot = async (page: Page, name: string) => {
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    };
    const keep = async (page: Page) => html.push(await page.content());
    /** Types the card and PIN and presses ログイン; answers after the page's script is done. */
    const signIn = async (page: Page, serial: string, pin: string, expectNavigation: boolean) => {
      await page.goto(`${base}/citizen/login`);
      await page.fill('#certificateSerial', serial);
      await page.fill('#pin', pin);
      if (expectNavigation)
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('button[type=submit]'),
        ]);
      else {
        await page.click('button[type=submit]');
        await page.locator('#sign-in-status:not([hidden])').waitFor();
      }
      await keep(page);
    };

    it('signs in with the card and PIN, shows each section, and signs out for good', async () => {
      const page = await newPage();
      // A bare serial opens nothing: every page sends the browser to sign in.
      for (const path of [
        '/citizen/',
        '/citizen/qualifications',
        '/citizen/drug-information',
        '/citizen/checkups',
        '/citizen/consents',
        '/citizen/access-log',
      ]) {
        await page.goto(`${base}${path}`);
        expect(new URL(page.url()).pathname).toBe('/citizen/login');
        refused.bareSerial += 1;
      }
      await signIn(page, HANAKO, PIN, true);
      expect(new URL(page.url()).pathname).toBe('/citizen/');
      expect(await text(page, 'h1')).toBe('マイページ');
      expect(await text(page, 'header')).toContain('資格 花子 さん');
      await shot(page, 'top');
      const sections: Array<[string, string, string]> = [
        ['資格情報', '資格情報', '2020年4月1日'],
        ['薬剤情報', '薬剤情報', '過去3年分'],
        ['特定健診情報', '特定健診情報', '過去5年分'],
        ['同意の記録', '同意の記録', '同意した記録はありません'],
        ['アクセス記録', 'アクセス記録', 'あなたの情報が閲覧された記録はありません'],
      ];
      for (const [link, title, content] of sections) {
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click(`main ul.menu a:has-text("${link}")`),
        ]);
        expect(await text(page, 'h1')).toBe(title);
        expect(await text(page, 'main')).toContain(content);
        await keep(page);
        await shot(page, title);
        await page.goBack();
      }
      const [session] = (await page.context().cookies()).filter(
        (c) => c.name === 'citizen_session',
      );
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/citizen' });

      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#logout')]);
      expect(await text(page, '#page-message')).toBe('ログアウトしました。');
      await keep(page);
      // The old cookie, put back, opens no page; the same session as a Bearer token opens no JSON.
      await page.context().addCookies([{ ...session!, expires: -1 }]);
      await page.goto(`${base}/citizen/access-log`);
      expect(new URL(page.url()).pathname).toBe('/citizen/login');
      expect(await text(page, '#page-message')).toBe(SIGN_IN_MESSAGES.SESSION_ENDED);
      const json = await fetch(`${base}/v1/citizen/access-log`, {
        headers: { authorization: `Bearer ${session!.value}` },
      });
      expect(json.status).toBe(401);
      await page.context().close();
    });

    it('locks the card after three wrong PINs, says so, and refuses the right PIN after', async () => {
      const page = await newPage();
      await signIn(page, LOCKED, '0000', false);
      expect(await text(page, '#sign-in-status')).toBe(
        '暗証番号が違います。あと2回間違えると、カードがロックされます。',
      );
      await signIn(page, LOCKED, '1111', false);
      expect(await text(page, '#sign-in-status')).toContain('あと1回');
      await signIn(page, LOCKED, '2222', false);
      expect(await text(page, '#sign-in-status')).toBe(SIGN_IN_MESSAGES.CARD_LOCKED);
      expect(await text(page, '#sign-in-status')).toContain('市区町村の窓口');
      refused.lockedCard += 1;
      await shot(page, 'locked');
      await signIn(page, LOCKED, PIN, false);
      expect(await text(page, '#sign-in-status')).toBe(SIGN_IN_MESSAGES.CARD_LOCKED);
      expect(new URL(page.url()).pathname).toBe('/citizen/login');
      refused.lockedCard += 1;
      // The lock is the card's: the reader emulator holds it.
      const card = await fetch(`${cardClient}/v1/cards/${LOCKED}/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pin: PIN, challenge: 'any' }),
      });
      expect(card.status).toBe(423);
      await page.context().close();
    });

    it('refuses a revoked certificate and a forged signature, in Japanese', async () => {
      const page = await newPage();
      await signIn(page, REVOKED, PIN, true);
      expect(await text(page, '#page-message')).toBe(SIGN_IN_MESSAGES.CARD_REVOKED);
      refused.revokedCertificate += 1;
      // A forged signature: what the card client answers is replaced by another card's signature.
      await page.route(`${cardClient}/v1/cards/**`, async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const original = await route.fetch();
        const { challenge } = route.request().postDataJSON() as { challenge: string };
        await route.fulfill({
          response: original,
          json: { ...(await original.json()), signature: cardSigns(LOCKED, challenge) },
        });
      });
      await signIn(page, HANAKO, PIN, true);
      expect(await text(page, '#page-message')).toBe(SIGN_IN_MESSAGES.SIGNATURE_INVALID);
      expect((await page.context().cookies()).some((c) => c.name === 'citizen_session')).toBe(
        false,
      );
      refused.forgedSignature += 1;
      await page.context().close();
    });
  },
);
