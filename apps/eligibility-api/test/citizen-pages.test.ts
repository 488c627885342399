// The citizen's pages without a browser (app.inject): the cookie session and its attributes, the
// double-submit CSRF check, a Japanese sentence for each refusal, Japanese dates, and no My Number
// on any page. The browser journeys (citizen-browser.test.ts) walk the same pages in Chromium.
import { createAccessLogWriter } from '@shikaku/db/eligibility/access-log';
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIGN_IN_MESSAGES } from '../src/citizen/page-texts.js';
import {
  cardSigns,
  type CitizenFixture,
  citizenSignIn,
  createCitizenFixture,
} from '../src/citizen/testing.js';
import {
  MY_NUMBER,
  recordingInject,
  seedQualifications,
  snapshot,
} from '../src/testing/fixture.js';

const HANAKO = 'SERIAL-HANAKO';
const REVOKED = 'SERIAL-REVOKED';
const UNREGISTERED = 'SERIAL-UNREGISTERED';
const CARD_URL = 'http://127.0.0.1:7304';

describeEachDatabase('the citizen pages', ({ handle }) => {
  let f: CitizenFixture;
  const { bodies, inject } = recordingInject(() => f.app);
  const { challenge } = citizenSignIn(inject);
  const pages: string[] = [];

  beforeAll(async () => {
    f = await createCitizenFixture(handle(), { citizenCardUrl: CARD_URL });
    await seedQualifications(handle(), [{ personRef: 'p-hanako', qualification: snapshot() }]);
    await f.issueCards(
      [
        { serial: HANAKO, personRef: 'p-hanako' },
        { serial: REVOKED, personRef: 'p-hanako' },
        { serial: UNREGISTERED, personRef: 'p-hanako', registered: false },
      ],
      inject,
    );
    f.upstream.cards.get(REVOKED)!.status = 'revoked';
    // Hanako's card at the clinic's reader, consenting to drug information.
    await f.confirmCard(HANAKO, { pharmacists: true }, inject);
    // A pharmacist's view of Hanako's drug information, as the access log holds it.
    const log = createAccessLogWriter(handle());
    await log.append({
      at: new Date('2021-07-15T02:30:00Z'),
      institutionCode: '0110113719',
      personRef: 'p-hanako',
      kind: 'drug-information',
      items: ['drug-information'],
      consentState: 'valid',
      qualificationValidity: null,
      practitioner: { practitionerId: 'pr-1', role: 'pharmacist' },
    });
    await log.close();
  });
  afterAll(async () => {
    await f?.close();
    expect(pages.length).toBeGreaterThan(8);
    for (const body of [...bodies, ...pages]) expect(body).not.toContain(MY_NUMBER);
  });

  /** GET a page as a browser with these cookies would. */
  const page = async (url: string, cookies: Record<string, string> = {}) => {
    const response = await inject({
      url,
      headers: {
        cookie: Object.entries(cookies)
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
      },
    });
    pages.push(response.body);
    return response;
  };
  const setCookie = (response: { headers: Record<string, unknown> }, name: string) =>
    ([response.headers['set-cookie']].flat() as string[]).find((c) => c?.startsWith(`${name}=`));
  const csrfOf = async () => {
    const login = await page('/citizen/login');
    const cookie = setCookie(login, 'citizen_csrf')!;
    return cookie.slice('citizen_csrf='.length, cookie.indexOf(';'));
  };
  /** What the sign-in page's script posts once the card has signed. */
  const postSignIn = async (
    serial: string,
    options: { csrf?: string; cookieCsrf?: string; sign?: (c: string) => string } = {},
  ) => {
    const csrf = options.csrf ?? (await csrfOf());
    const nonce = await challenge(serial);
    const signature = (options.sign ?? ((c: string) => cardSigns(serial, c)))(nonce);
    const response = await inject({
      method: 'POST',
      url: '/citizen/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `citizen_csrf=${options.cookieCsrf ?? csrf}`,
      },
      payload: new URLSearchParams({
        _csrf: csrf,
        certificateSerial: serial,
        challenge: nonce,
        signature,
      }).toString(),
    });
    pages.push(response.body);
    return response;
  };

  it('serves the sign-in page with its script apart, a strict CSP naming the card client, and a CSRF cookie', async () => {
    const login = await page('/citizen/login');
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('<h1>マイナンバーカードでログイン</h1>');
    expect(login.body).toContain('本日：2021年7月15日（木）');
    const csp = String(login.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${CARD_URL}`);
    expect(login.body).not.toMatch(/<script>(?!<\/script>)/);
    expect(setCookie(login, 'citizen_csrf')).toMatch(/; Path=\/citizen; HttpOnly; SameSite=Lax$/);
    // The PIN field has no name: a form post cannot carry it.
    expect(login.body).toMatch(/<input\s+type="password"\s+id="pin"(?![^>]*name=)[^>]*>/);
    const script = await page('/citizen/sign-in.js');
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain('/v1/cards/');
  });

  it('signs in with the card and shows every section in Japanese, then signs out', async () => {
    const signedIn = await postSignIn(HANAKO);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/citizen/');
    const session = setCookie(signedIn, 'citizen_session')!;
    expect(session).toMatch(/; Path=\/citizen; HttpOnly; SameSite=Lax; Max-Age=1800$/);
    expect(session).not.toContain('Secure'); // plain http here; https pages add Secure
    const token = session.slice('citizen_session='.length, session.indexOf(';'));
    const cookies = { citizen_session: token };

    const top = await page('/citizen/', cookies);
    expect(top.body).toContain('<h1>マイページ</h1>');
    expect(top.body).toContain('資格 花子 さん');
    expect(top.body).toContain('2021年7月15日 10:30まで'); // the session's end, JST
    const qualifications = await page('/citizen/qualifications', cookies);
    expect(qualifications.body).toContain('現在の資格');
    expect(qualifications.body).toContain('2020年4月1日'); // 資格取得日
    expect(qualifications.body).toContain('3割');
    expect(qualifications.body).toContain('健康保険証');
    const drugs = await page('/citizen/drug-information', cookies);
    expect(drugs.body).toContain('過去3年分');
    expect(drugs.body).toMatch(/<td>20(18|19|20|21)年\d+月\d+日<\/td>/);
    const checkups = await page('/citizen/checkups', cookies);
    expect(checkups.body).toContain('過去5年分');
    const consents = await page('/citizen/consents', cookies);
    expect(consents.body).toContain('2021年7月15日 10:00'); // when, JST
    expect(consents.body).toContain('医院 0110113719'); // where, by name
    expect(consents.body).toMatch(/<td>\s*薬剤情報\s*<\/td>/); // what
    expect(consents.body).toContain('2021年7月16日 10:00まで'); // until when (24 hours)
    const log = await page('/citizen/access-log', cookies);
    expect(log.body).toContain('2021年7月15日 11:30'); // 02:30Z in JST
    expect(log.body).toContain('医院 0110113719'); // the institution by name
    expect(log.body).toContain('薬剤師');
    expect(log.body).toContain('薬剤情報の閲覧');

    // The same session answers the JSON API as a Bearer token.
    const bearer = { authorization: `Bearer ${token}` };
    expect((await inject({ url: '/v1/citizen/consents', headers: bearer })).statusCode).toBe(200);

    // Sign-out needs the form's CSRF token; without it nothing happens.
    const forged = await inject({
      method: 'POST',
      url: '/citizen/logout',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `citizen_session=${token}`,
      },
      payload: '_csrf=guess',
    });
    expect(forged.headers.location).toBe('/citizen/');
    expect((await page('/citizen/', cookies)).statusCode).toBe(200);
    const csrf = await csrfOf();
    const out = await inject({
      method: 'POST',
      url: '/citizen/logout',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `citizen_session=${token}; citizen_csrf=${csrf}`,
      },
      payload: `_csrf=${csrf}`,
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/citizen/login?signedOut');
    expect(setCookie(out, 'citizen_session')).toContain('Max-Age=0');
    expect((await page('/citizen/login?signedOut')).body).toContain('ログアウトしました。');
    // The old cookie and the old Bearer token open nothing.
    const after = await page('/citizen/access-log', cookies);
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/citizen/login?ended');
    expect((await page('/citizen/login?ended')).body).toContain(SIGN_IN_MESSAGES.SESSION_ENDED);
    const json = await inject({ url: '/v1/citizen/consents', headers: bearer });
    expect(json.json().code).toBe('SESSION_REQUIRED');
  });

  it('sends a page without a session to the sign-in page', async () => {
    for (const url of ['/citizen/', '/citizen/qualifications', '/citizen/access-log']) {
      const response = await page(url, { citizen_session: 'not-a-token' });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/citizen/login?ended');
    }
    expect((await page('/citizen/checkups')).headers.location).toBe('/citizen/login');
    // A cookie that is no percent-encoding at all is no session either (not a 500).
    const garbled = await page('/citizen/consents', {
      citizen_session: '%E0%A4',
      citizen_csrf: '%',
    });
    expect(garbled.statusCode).toBe(303);
    expect(garbled.headers.location).toBe('/citizen/login?ended');
    expect((await page('/citizen/login', { citizen_csrf: '%' })).statusCode).toBe(200);
  });

  it('says in Japanese why a sign-in is refused: revoked, not registered, forged, stale form', async () => {
    const revoked = await postSignIn(REVOKED);
    expect(revoked.statusCode).toBe(409);
    expect(revoked.body).toContain(SIGN_IN_MESSAGES.CARD_REVOKED);
    expect(revoked.body).toContain('コード: CARD_REVOKED');
    const unregistered = await postSignIn(UNREGISTERED);
    expect(unregistered.statusCode).toBe(404);
    expect(unregistered.body).toContain('保険証利用登録');
    const forged = await postSignIn(HANAKO, { sign: (c) => cardSigns(UNREGISTERED, c) });
    expect(forged.statusCode).toBe(401);
    expect(forged.body).toContain(SIGN_IN_MESSAGES.SIGNATURE_INVALID);
    const stale = await postSignIn(HANAKO, { csrf: 'a'.repeat(32), cookieCsrf: 'b'.repeat(32) });
    expect(stale.statusCode).toBe(403);
    expect(stale.body).toContain(SIGN_IN_MESSAGES.CSRF_INVALID);
    // As many characters as the cookie's but more bytes: refused the same way, not a 500.
    const wide = await postSignIn(HANAKO, { csrf: 'é'.repeat(32), cookieCsrf: 'a'.repeat(32) });
    expect(wide.statusCode).toBe(403);
    expect(wide.body).toContain('コード: CSRF_INVALID');
    for (const refused of [revoked, unregistered, forged, stale, wide])
      expect(setCookie(refused, 'citizen_session')).toBeUndefined();
    // The serial typed stays in the field; nothing else of the card is shown.
    expect(revoked.body).toContain(`value="${REVOKED}"`);
  });
});
