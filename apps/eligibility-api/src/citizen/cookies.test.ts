// The citizen's cookies (the page session and the CSRF token) are Secure when the page came over
// https: from the socket, or from a trusted proxy's X-Forwarded-Proto (ELIGIBILITY_TRUST_PROXY).
// An untrusted X-Forwarded-Proto is the client's word and changes nothing. Cookies do not depend
// on the database, so this runs on PGlite only.
import { createTestDatabase, type TestDatabase } from '@shikaku/db/testing/test-database';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EligibilityConfig } from '../config.js';
import { seedQualifications, snapshot } from '../testing/fixture.js';
import { cardSigns, type CitizenFixture, citizenSignIn, createCitizenFixture } from './testing.js';

const HANAKO = 'SERIAL-HANAKO';
const HTTPS = { 'x-forwarded-proto': 'https' };

const setCookie = (response: LightMyRequestResponse, name: string): string => {
  const cookie = ([response.headers['set-cookie']].flat() as string[]).find((c) =>
    c?.startsWith(`${name}=`),
  );
  if (!cookie) throw new Error(`no ${name} cookie: ${response.statusCode} ${response.body}`);
  return cookie;
};
const valueOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));

describe('the citizen cookies and the request protocol', () => {
  let db: TestDatabase;
  const fixtures: CitizenFixture[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    await seedQualifications(db.handle, [{ personRef: 'p-hanako', qualification: snapshot() }]);
  });
  afterAll(async () => {
    for (const fixture of fixtures) await fixture.close();
    await db?.cleanup();
  });

  const app = async (config: Partial<EligibilityConfig>) => {
    const fixture = await createCitizenFixture(db.handle, config);
    fixtures.push(fixture);
    // Registered once in the database; each fixture's J-LIS has to know the card.
    if (fixtures.length === 1)
      await fixture.issueCards([{ serial: HANAKO, personRef: 'p-hanako' }]);
    else fixture.upstream.cards.set(HANAKO, fixtures[0]!.upstream.cards.get(HANAKO)!);
    return fixture;
  };

  /**
   * The browser's whole round (app.inject's peer is 127.0.0.1): the sign-in page (CSRF cookie),
   * sign-in (session cookie), sign-out (the session cookie cleared), each with `headers`.
   */
  const cookiesOver = async (fixture: CitizenFixture, headers: Record<string, string>) => {
    const inject = fixture.app.inject.bind(fixture.app);
    const login = await inject({ url: '/citizen/login', headers });
    const csrf = setCookie(login, 'citizen_csrf');
    const { challenge } = citizenSignIn(inject);
    const nonce = await challenge(HANAKO);
    const signedIn = await inject({
      method: 'POST',
      url: '/citizen/login',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `citizen_csrf=${valueOf(csrf)}`,
      },
      payload: new URLSearchParams({
        _csrf: valueOf(csrf),
        certificateSerial: HANAKO,
        challenge: nonce,
        signature: cardSigns(HANAKO, nonce),
      }).toString(),
    });
    expect(signedIn.statusCode).toBe(303);
    const session = setCookie(signedIn, 'citizen_session');
    const signedOut = await inject({
      method: 'POST',
      url: '/citizen/logout',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `citizen_csrf=${valueOf(csrf)}; citizen_session=${valueOf(session)}`,
      },
      payload: new URLSearchParams({ _csrf: valueOf(csrf) }).toString(),
    });
    expect(signedOut.headers.location).toBe('/citizen/login?signedOut');
    return [csrf, session, setCookie(signedOut, 'citizen_session')];
  };
  const secure = (cookie: string) => cookie.split('; ').includes('Secure');

  it('plain http: no cookie is Secure (the local stack works over http)', async () => {
    const cookies = await cookiesOver(await app({}), {});
    expect(cookies.map(secure)).toEqual([false, false, false]);
    expect(cookies[1]).toMatch(/; Path=\/citizen; HttpOnly; SameSite=Lax; Max-Age=1800$/);
  });

  it("without ELIGIBILITY_TRUST_PROXY, X-Forwarded-Proto: https is the client's word and makes nothing Secure", async () => {
    const cookies = await cookiesOver(await app({ trustProxy: false }), HTTPS);
    expect(cookies.map(secure)).toEqual([false, false, false]);
  });

  it('behind the trusted proxy, X-Forwarded-Proto: https makes the CSRF and session cookies Secure (its clearing too)', async () => {
    const fixture = await app({ trustProxy: '127.0.0.1' });
    const cookies = await cookiesOver(fixture, HTTPS);
    expect(cookies.map(secure)).toEqual([true, true, true]);
    expect(cookies[1]).toMatch(/; Path=\/citizen; HttpOnly; SameSite=Lax; Secure; Max-Age=1800$/);
    // The same proxy forwarding plain http: not Secure.
    expect((await cookiesOver(fixture, { 'x-forwarded-proto': 'http' })).map(secure)).toEqual([
      false,
      false,
      false,
    ]);
    expect((await cookiesOver(fixture, {})).map(secure)).toEqual([false, false, false]);
  });

  it('a peer that is not the configured proxy is not believed', async () => {
    const cookies = await cookiesOver(await app({ trustProxy: '10.0.0.1' }), HTTPS);
    expect(cookies.map(secure)).toEqual([false, false, false]);
  });
});
