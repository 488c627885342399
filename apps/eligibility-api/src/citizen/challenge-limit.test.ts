// Sign-in challenges are limited per client address (the app's rate limiter, on the injected
// monotonic clock), and unanswered ones are swept once expired, so no one can fill the table.
import type {} from '@shikaku/db/testing/global-setup';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { AppError } from '@shikaku/platform/errors';
import { withRawTransaction } from '@shikaku/db/intermediate/raw';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedRateLimiter } from '../shared-rate-limit.js';
import { admitChallenge, CHALLENGE_TTL_MS, challengeLimitKey } from './challenges.js';
import { SIGN_IN_MESSAGES } from './page-texts.js';
import { SIGN_IN_SCRIPT } from './sign-in-script.js';
import { type CitizenFixture, citizenSignIn, createCitizenFixture } from './testing.js';

const HANAKO = 'SERIAL-HANAKO';

/** The challenges the table holds (answered or not, expired or not). */
const storedChallenges = (handle: DatabaseHandle) =>
  withRawTransaction(handle, async (db) =>
    (
      await db.query<{ challenge: string }>('select challenge from eligibility.citizen_challenges')
    ).rows.map((row) => row.challenge),
  );
const RATE = 3;

describe('challengeLimitKey', () => {
  it('counts IPv4 by address and IPv6 by its /64, an IPv4-mapped address as IPv4', () => {
    expect(challengeLimitKey('203.0.113.7')).toBe('citizen-challenges:203.0.113.7');
    expect(challengeLimitKey('::ffff:203.0.113.7')).toBe('citizen-challenges:203.0.113.7');
    expect(challengeLimitKey('2001:db8:0:1::5')).toBe('citizen-challenges:2001:db8:0:1::/64');
    expect(challengeLimitKey('2001:0db8:0000:0001:ffff:ee:1:2')).toBe(
      challengeLimitKey('2001:db8:0:1::5'),
    );
    expect(challengeLimitKey('2001:db8:0:2::5')).not.toBe(challengeLimitKey('2001:db8:0:1::5'));
    expect(challengeLimitKey('::1')).toBe('citizen-challenges:0:0:0:0::/64');
    expect(challengeLimitKey('64:ff9b::192.0.2.1')).toBe('citizen-challenges:64:ff9b:0:0::/64');
  });

  it('reads every text form of an address (RFC 4291 2.2, RFC 5952 2) as the same address', () => {
    // RFC 5952 section 2: eight spellings of one address (leading zeros, "::" anywhere, case).
    const spellings = [
      '2001:db8:0:0:1:0:0:1',
      '2001:0db8:0:0:1:0:0:1',
      '2001:db8::1:0:0:1',
      '2001:db8::0:1:0:0:1',
      '2001:0db8::1:0:0:1',
      '2001:db8:0:0:1::1',
      '2001:db8:0000:0:1::1',
      '2001:DB8:0:0:1::1',
    ];
    expect(new Set(spellings.map(challengeLimitKey))).toEqual(
      new Set(['citizen-challenges:2001:db8:0:0::/64']),
    );
    // RFC 4291 2.2: the preferred form in capitals and its compressed form.
    expect(challengeLimitKey('2001:DB8:0:0:8:800:200C:417A')).toBe(
      'citizen-challenges:2001:db8:0:0::/64',
    );
    expect(challengeLimitKey('FF01::101')).toBe('citizen-challenges:ff01:0:0:0::/64');
    // RFC 4291 2.2 (3) and 2.5.5.2: an IPv4-mapped address in full, compressed or hex form is
    // counted as its IPv4 address.
    for (const mapped of [
      '0:0:0:0:0:FFFF:129.144.52.38',
      '::FFFF:129.144.52.38',
      '::ffff:8190:3426',
    ])
      expect(challengeLimitKey(mapped)).toBe('citizen-challenges:129.144.52.38');
    // The deprecated IPv4-compatible form (RFC 4291 2.5.5.1) ipaddr.js reads as IPv4-mapped
    // (lib/ipaddr.js, deprecatedTransitional): it counts as its IPv4 address too.
    expect(challengeLimitKey('::13.1.68.3')).toBe('citizen-challenges:13.1.68.3');
  });
});

describeEachDatabase('the sign-in challenge limit', ({ handle }) => {
  let f: CitizenFixture;
  let proxied: CitizenFixture;

  beforeAll(async () => {
    f = await createCitizenFixture(handle(), { citizenChallengeRatePerSecond: RATE });
    // Behind a proxy at 127.0.0.1 (app.inject's peer address).
    proxied = await createCitizenFixture(handle(), {
      citizenChallengeRatePerSecond: RATE,
      trustProxy: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await f?.close();
    await proxied?.close();
  });

  const ask = (
    fixture: CitizenFixture,
    from: string,
    headers: Record<string, string> = {},
    serial = HANAKO,
  ) =>
    fixture.app.inject({
      method: 'POST',
      url: '/v1/citizen/challenges',
      remoteAddress: from,
      headers,
      payload: { certificateSerial: serial },
    });
  const rows = async () => (await storedChallenges(handle())).length;

  it('admits RATE a second from one address, refuses the next (429, Retry-After, code and reason), and admits again a second later', async () => {
    const before = await rows();
    for (let i = 0; i < RATE; i++) expect((await ask(f, '203.0.113.7')).statusCode).toBe(201);
    const refused = await ask(f, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({
      code: 'CHALLENGE_RATE_LIMITED',
      message: expect.stringContaining('sign-in challenges'),
      reason: 'too-many-challenges',
      limitPerSecond: RATE,
    });
    // A refusal stores nothing.
    expect(await rows()).toBe(before + RATE);
    // Another address has its own count.
    expect((await ask(f, '198.51.100.9')).statusCode).toBe(201);

    f.monotonic.ms += 1000;
    for (let i = 0; i < RATE; i++) expect((await ask(f, '203.0.113.7')).statusCode).toBe(201);
    expect((await ask(f, '203.0.113.7')).statusCode).toBe(429);
  });

  it('counts an IPv6 client by its /64, and the card not at all (its serial is no secret)', async () => {
    f.monotonic.ms += 1000;
    for (let i = 0; i < RATE; i++)
      expect((await ask(f, `2001:db8:0:7::${i + 1}`)).statusCode).toBe(201);
    expect((await ask(f, '2001:db8:0:7::ff')).statusCode).toBe(429);
    expect((await ask(f, '2001:db8:0:8::1')).statusCode).toBe(201);
    // Someone asking for Hanako's card past the limit does not keep Hanako from signing in.
    expect((await ask(f, '2001:db8:0:7::1', {}, HANAKO)).statusCode).toBe(429);
    expect((await ask(f, '192.0.2.44', {}, HANAKO)).statusCode).toBe(201);
  });

  it('without a trusted proxy, X-Forwarded-For changes nothing: the socket peer is counted', async () => {
    f.monotonic.ms += 1000;
    const answers = [];
    for (let i = 0; i < RATE + 2; i++)
      answers.push((await ask(f, '203.0.113.50', { 'x-forwarded-for': `10.0.0.${i}` })).statusCode);
    expect(answers).toEqual([...Array(RATE).fill(201), 429, 429]);
  });

  it("behind a trusted proxy, each client it names is counted apart (the proxy's own last entry)", async () => {
    const from = (client: string) => ask(proxied, '127.0.0.1', { 'x-forwarded-for': client });
    for (let i = 0; i < RATE; i++) expect((await from('203.0.113.7')).statusCode).toBe(201);
    expect((await from('203.0.113.7')).statusCode).toBe(429);
    expect((await from('198.51.100.9')).statusCode).toBe(201);
    // A client's own X-Forwarded-For entry before the proxy's does not make it someone else.
    expect((await from('10.9.9.9, 203.0.113.7')).statusCode).toBe(429);
    // A peer that is not the proxy is counted as itself, whatever it forwards.
    expect(
      (await ask(proxied, '192.0.2.80', { 'x-forwarded-for': '198.51.100.1' })).statusCode,
    ).toBe(201);
  });

  it('across instances (ELIGIBILITY_SHARED_RATE_LIMIT=1): two instances together admit RATE a second from one address, on eligibility.rate_windows', async () => {
    let wall = Date.parse('2021-07-15T01:00:00Z');
    const instances = [handle(), handle()].map((h) => createSharedRateLimiter(h, () => wall));
    const outcomes = async () =>
      Promise.all(
        instances.flatMap((limiter) =>
          Array.from({ length: RATE }, () =>
            admitChallenge(limiter, RATE, '203.0.113.99', 0).then(
              () => 'admitted',
              (error: AppError) => error.code,
            ),
          ),
        ),
      );
    const first = await outcomes();
    expect(first.filter((o) => o === 'admitted')).toHaveLength(RATE);
    expect(first.filter((o) => o === 'CHALLENGE_RATE_LIMITED')).toHaveLength(RATE);
    wall += 1000;
    expect((await outcomes()).filter((o) => o === 'admitted')).toHaveLength(RATE);
  });

  it("the sign-in page's script shows the Japanese sentence for the refusal, with the page's own messages", async () => {
    f.monotonic.ms += 1000;
    const page = await f.app.inject({ url: '/citizen/login', remoteAddress: '192.0.2.120' });
    const messages = /data-messages="([^"]*)"/
      .exec(page.body)![1]!
      .replace(/&(quot|#39|lt|gt|amp);/g, (_, e: string) =>
        e === 'quot' ? '"' : e === '#39' ? "'" : e === 'lt' ? '<' : e === 'gt' ? '>' : '&',
      );
    type Submit = (event: { preventDefault(): void }) => Promise<void>;
    const status = { textContent: '', hidden: true, focus() {} };
    const form: {
      submitted: boolean;
      handler?: Submit;
      [key: string]: unknown;
    } = {
      getAttribute: (name: string) =>
        name === 'data-messages' ? messages : 'http://127.0.0.1:7304',
      submitted: false,
      addEventListener(_type: string, handler: Submit) {
        form.handler = handler;
      },
      querySelector: () => ({ disabled: false }),
      elements: { certificateSerial: { value: HANAKO }, challenge: {}, signature: {} },
      submit() {
        form.submitted = true;
      },
    };
    const elements: Record<string, unknown> = {
      'sign-in': form,
      'sign-in-status': status,
      pin: { value: '1234' },
    };
    // The browser's fetch, answered by the app from the page's address (past its limit).
    const fetch = async (url: string, init: { body: string }) => {
      const response = await f.app.inject({
        method: 'POST',
        url,
        remoteAddress: '192.0.2.120',
        headers: { 'content-type': 'application/json' },
        payload: init.body,
      });
      return { ok: response.statusCode < 300, json: async () => response.json() };
    };
    runInNewContext(SIGN_IN_SCRIPT, {
      document: { getElementById: (id: string) => elements[id] },
      fetch,
    });
    for (let i = 0; i < RATE; i++) expect((await ask(f, '192.0.2.120')).statusCode).toBe(201);
    await form.handler!({ preventDefault() {} });
    expect(status.hidden).toBe(false);
    expect(status.textContent).toBe(SIGN_IN_MESSAGES.CHALLENGE_RATE_LIMITED);
    expect(status.textContent).toMatch(/しばらくしてから、もう一度お試しください。$/);
    expect(form.submitted).toBe(false);
  });
});

describeEachDatabase('unanswered sign-in challenges', ({ handle }) => {
  let f: CitizenFixture;
  beforeAll(async () => {
    f = await createCitizenFixture(handle());
  });
  afterAll(async () => {
    await f?.close();
  });
  const stored = () => storedChallenges(handle());

  it('are swept once expired, as the next challenge is issued; live ones stay', async () => {
    const { challenge, answer } = citizenSignIn((options) => f.app.inject(options));
    const start = f.clock.now();
    const old = await challenge(HANAKO);
    f.clock.set(new Date(start.getTime() + CHALLENGE_TTL_MS - 1000));
    const live = await challenge(HANAKO);
    expect(await stored()).toEqual(expect.arrayContaining([old, live]));

    // Past the first one's expiry (not the second's): the next issue removes only the first.
    f.clock.set(new Date(start.getTime() + CHALLENGE_TTL_MS + 1));
    const fresh = await challenge(HANAKO);
    expect((await stored()).sort()).toEqual([live, fresh].sort());
    // Gone, it is refused like any unknown challenge.
    expect((await answer(HANAKO, old)).json().code).toBe('CHALLENGE_INVALID');
  });
});
