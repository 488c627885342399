// What the browser journeys share: Debian's Chromium through playwright-core (one browser per test
// file), navigation helpers that wait for the page they lead to, and, on a narrow (mobile) viewport,
// the check after every navigation that the page has no horizontal overflow and a compact header.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { institutionCodeFromBody } from '@shikaku/core/institution-code';
import { insertAccount, registerInstitutionAccount } from '@shikaku/db/portal/accounts';
import type { FacilityTypeCode } from '@shikaku/db/portal/tables';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS as ARGS, findChromium } from '@shikaku/platform/testing/chromium';
import { hashPassword } from '../src/auth/passwords.js';
import { type Harness, startHarness } from '../src/testing/harness.js';

const found = findChromium(process.env);
export const CHROMIUM = found.path;
export const chromiumAvailable = found.available;
/** Set PORTAL_SCREENSHOTS=<dir> to keep screenshots of the pages walked. */
const SHOTS = process.env.PORTAL_SCREENSHOTS;

/** A skipped test that says why, when Chromium is not installed. */
export function skipWithoutChromium(name: string): void {
  if (chromiumAvailable) return;
  describe(name, () => {
    it.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium): browser tests skipped`, () => {});
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * The two widths the journeys run at: a phone (375 × 812), where every journey runs and each page's
 * layout is checked, and a desktop (1280 × 800), for the journeys whose pages no other journey walks
 * at a desktop width (browser.test.ts's main journeys run at Chromium's default 1280 × 720).
 */
export const VIEWPORTS = [
  { width: 375, height: 812 },
  { width: 1280, height: 800 },
] as const;
export const PHONE = VIEWPORTS[0];

/** Widths at or below this get the portal's mobile layout (layout.ts's media query). */
const NARROW = 600;
/** The compact header's most height at 375 px: the site name, the nav links and the date. */
export const COMPACT_HEADER_MAX_PX = 200;

export interface LayoutProblem {
  url: string;
  scrollWidth: number;
  clientWidth: number;
  headerHeight: number;
  siteFontPx: number;
}

/**
 * On a narrow viewport: the page fits its width (document.documentElement.scrollWidth <=
 * clientWidth) and the header is the compact one (the smaller site name, at most
 * COMPACT_HEADER_MAX_PX high). Throws, naming the page, when it does not.
 */
export async function checkLayout(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? Number.POSITIVE_INFINITY;
  if (width > NARROW) return;
  // A string, evaluated in the page (this package compiles without the DOM's types).
  const m = await page.evaluate<Omit<LayoutProblem, 'url'>>(`(() => {
    const header = document.querySelector('header');
    const site = document.querySelector('header .site');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      headerHeight: header ? header.getBoundingClientRect().height : 0,
      siteFontPx: site ? parseFloat(getComputedStyle(site).fontSize) : 0,
    };
  })()`);
  const problem: LayoutProblem = { url: page.url(), ...m };
  if (m.scrollWidth > m.clientWidth)
    throw new Error(`horizontal overflow at ${width} px: ${JSON.stringify(problem)}`);
  // The compact header: the site name at the body size (1rem, not the desktop's 1.1rem).
  if (m.headerHeight === 0 || m.headerHeight > COMPACT_HEADER_MAX_PX || m.siteFontPx > 16)
    throw new Error(`the header is not the compact one at ${width} px: ${JSON.stringify(problem)}`);
}

/** Goes to a URL and checks the layout of the page it lands on. */
export async function go(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await checkLayout(page);
}

/** Clicks a submit button or link, waits for the page it leads to and checks its layout. */
export async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  await checkLayout(page);
}

/**
 * Double-clicks a submit button: two submissions, the second of which may abort the first's
 * navigation (net::ERR_ABORTED), so no single navigation can be waited for. Waits until every
 * main-frame navigation request it started (and the redirects they led to) has finished or failed,
 * then for the page they left loaded.
 *
 * Chromium mostly sends ONE submission for a double click (counted in this session: 1 POST in 7 of
 * 8 runs, even with the first answer held back 2 s), so a journey's double click is no proof of a
 * second request: the stale tab's submission is, and decision-mail.test.ts sends two at once.
 */
export async function doubleClickSubmit(page: Page, selector: string): Promise<void> {
  const pending = new Set<Request>();
  let started = 0;
  const track = (request: Request) => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    pending.add(request);
    started += 1;
  };
  const settle = (request: Request) => pending.delete(request);
  page.on('request', track);
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  try {
    await page.dblclick(selector);
    // Settled: something was started, nothing is pending, and nothing new started for 500 ms (the
    // second submission can leave after the first has finished).
    for (let seen = -1; seen !== started;) {
      await expect.poll(() => started > 0 && pending.size === 0, { timeout: 60_000 }).toBe(true);
      seen = started;
      await page.waitForTimeout(500);
      if (pending.size > 0) seen = -1;
    }
    await page.waitForLoadState('load');
  } finally {
    page.off('request', track);
    page.off('requestfinished', settle);
    page.off('requestfailed', settle);
  }
  await checkLayout(page);
}

/** Reloads and checks the layout. */
export async function reload(page: Page): Promise<void> {
  await page.reload();
  await checkLayout(page);
}

/** Visible text of the first match, whitespace collapsed. */
export const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();

/**
 * The id of the focused element (the error summary takes focus after a refused form). `autofocus`
 * is applied at a rendering update, which may come after the load event, so this waits (up to 5 s)
 * for something other than the body to take focus; '' when nothing does.
 */
export async function focusedId(page: Page): Promise<string> {
  await page
    .waitForFunction('document.activeElement && document.activeElement !== document.body', null, {
      timeout: 5_000,
    })
    .catch(() => undefined);
  return page.evaluate<string>('document.activeElement?.id ?? ""');
}

export async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export const PASSWORD = 'browser-pass-2021';
export const STAFF_PASSWORD = 'staff-password-1';

/** Logs a page in (staff accounts from staffClient use STAFF_PASSWORD). */
export async function login(
  page: Page,
  base: string,
  email: string,
  password = PASSWORD,
): Promise<void> {
  await go(page, `${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await submit(page, 'main button[type=submit]');
}

/** Signs up, verifies the address from the development mailbox and logs in. */
export async function signUpAndLogin(
  page: Page,
  base: string,
  fields: { code: string; name: string; type: string; email: string },
): Promise<void> {
  await go(page, `${base}/signup`);
  await page.fill('#institutionCode', fields.code);
  await page.fill('#name', fields.name);
  await page.selectOption('#facilityType', fields.type);
  await page.fill('#email', fields.email);
  await page.fill('#password', PASSWORD);
  await page.fill('#passwordConfirm', PASSWORD);
  await submit(page, 'button[type=submit]');
  expect(await text(page, 'h1')).toContain('確認メールを送信しました');
  await submit(page, 'a[href="/mailbox"]');
  await page.fill('#to', fields.email);
  await submit(page, 'form[action="/mailbox"] button');
  await submit(page, 'section.mail a[href*="/verify?token="]');
  expect(await text(page, 'main')).toContain('メールアドレスを確認しました');
  await submit(page, 'main a[href="/login"]');
  await page.fill('#email', fields.email);
  await page.fill('#password', PASSWORD);
  await submit(page, 'main button[type=submit]');
  expect(await text(page, 'h1')).toContain('マイページ');
}

/** The development mailbox's page for one address. */
export async function openMailbox(page: Page, base: string, to: string): Promise<void> {
  await go(page, `${base}/mailbox?to=${encodeURIComponent(to)}`);
}

/** The portal on a harness, listening, and one browser: for one test file's journeys. */
export interface Journeys {
  h: Harness;
  browser: Browser;
  base: string;
}

/** Starts the portal and the browser before the file's tests and stops them after. */
export function useJourneys(startIso: string): () => Journeys {
  let journeys: Journeys | undefined;
  beforeAll(async () => {
    const h = await startHarness(startIso);
    const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    h.config.publicUrl = base;
    journeys = { h, base, browser: await launchBrowser() };
  });
  afterAll(async () => {
    await journeys?.browser.close();
    await journeys?.h.close();
  });
  return () => {
    if (!journeys) throw new Error('the journeys have not started');
    return journeys;
  };
}

export type Viewport = { width: number; height: number };

let serial = 0;
let passwordHash: Promise<string> | undefined;
/** One hash for every account the journeys make (argon2 is slow on a loaded machine). */
const hashed = () => (passwordHash ??= hashPassword(PASSWORD));
const SCORE_TABLE: Record<FacilityTypeCode, string> = {
  hospital: '1',
  clinic: '1',
  'dental-clinic': '3',
  pharmacy: '4',
};

/**
 * A facility's verified account (sign-up over the pages is browser.test.ts's journey), logged in
 * over the pages in a browser context of its own.
 */
export async function facilityPage(
  j: Journeys,
  viewport: Viewport,
  type: FacilityTypeCode,
  name: string,
): Promise<{ page: Page; code: string; email: string }> {
  const n = ++serial;
  const code = institutionCodeFromBody(
    `13${SCORE_TABLE[type]}${String(500_000 + n).padStart(6, '0')}`,
  );
  const email = `facility-${n}-${viewport.width}@example.jp`;
  const at = j.h.clock.now();
  await registerInstitutionAccount(
    j.h.handle,
    {
      institutionCode: code,
      name,
      facilityType: type,
      largeChain: false,
      prefecture: '13',
      createdAt: at,
    },
    { email, passwordHash: await hashed(), createdAt: at, emailVerifiedAt: at },
  );
  const page = await (await j.browser.newContext({ viewport })).newPage();
  await login(page, j.base, email);
  return { page, code, email };
}

/** An operator's or the call centre's account, logged in over the pages. */
export async function staffPage(
  j: Journeys,
  viewport: Viewport,
  role: 'operator' | 'callcentre',
): Promise<Page> {
  const email = `${role}-${++serial}@example.jp`;
  const at = new Date('2021-01-01T00:00:00Z');
  await insertAccount(j.h.handle, {
    email,
    passwordHash: await hashed(),
    role,
    institutionCode: null,
    createdAt: at,
    emailVerifiedAt: at,
  });
  const page = await (await j.browser.newContext({ viewport })).newPage();
  await login(page, j.base, email);
  return page;
}

/** Applies for readers over the 入力 → 確認 → 完了 pages; answers the application's detail URL. */
export async function applyForReaders(
  page: Page,
  base: string,
  model: string,
  quantity: number,
  consultationReason?: string,
): Promise<string> {
  await go(page, `${base}/readers`);
  await page.selectOption('#model', model);
  await page.fill('#quantity', String(quantity));
  if (consultationReason) await page.fill('#consultationReason', consultationReason);
  await submit(page, 'form[action="/readers/confirm"] button');
  await submit(page, '#confirmation form[action="/readers"] button');
  await submit(page, '#detail-link');
  return page.url();
}

/** Applies for use over the 入力 → 確認 → 完了 pages; answers the reception number shown. */
export async function applyForUsage(page: Page, base: string): Promise<string> {
  await go(page, `${base}/usage`);
  await submit(page, 'form[action="/usage/confirm"] button');
  await submit(page, '#confirmation form[action="/usage"] button');
  return text(page, '#reception-number');
}
