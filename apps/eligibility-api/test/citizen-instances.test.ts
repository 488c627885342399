// Two eligibility-api instances on one database, as behind a balancer without sticky routing: a
// challenge issued by one is answered at the other exactly once, even when both race to take it,
// and a sign-out at one ends the session at both (the Bearer token and the page cookie alike).
import { openDatabase } from '@shikaku/db/database';
import {
  insertCitizenChallenge,
  takeCitizenChallenge,
} from '@shikaku/db/eligibility/citizen-sign-in';
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type CitizenFixture,
  citizenSignIn,
  createCitizenFixture,
} from '../src/citizen/testing.js';
import { seedQualifications, snapshot } from '../src/testing/fixture.js';

const HANAKO = 'SERIAL-HANAKO';

describeEachDatabase('citizen sign-in across two instances', ({ handle, kind }) => {
  let a: CitizenFixture;
  let b: CitizenFixture;
  let second: ReturnType<typeof handle> | undefined;

  beforeAll(async () => {
    a = await createCitizenFixture(handle());
    // On PostgreSQL the second instance has its own pool, as another process would.
    second =
      kind === 'postgres' ? await openDatabase({ url: handle().url!, poolSize: 4 }) : undefined;
    b = await createCitizenFixture(second ?? handle());
    await seedQualifications(handle(), [{ personRef: 'p-hanako', qualification: snapshot() }]);
    await a.issueCards([{ serial: HANAKO, personRef: 'p-hanako' }]);
    await b.issueCards([{ serial: HANAKO, personRef: 'p-hanako', registered: false }]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
  });

  const challengeAt = (f: CitizenFixture) =>
    citizenSignIn((options) => f.app.inject(options)).challenge(HANAKO);
  const answerAt = (f: CitizenFixture, challenge: string) =>
    citizenSignIn((options) => f.app.inject(options)).answer(HANAKO, challenge);

  it('accepts at one instance a challenge issued by the other, once', async () => {
    const challenge = await challengeAt(a);
    const first = await answerAt(b, challenge);
    expect(first.statusCode).toBe(201);
    const again = await answerAt(a, challenge);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('CHALLENGE_INVALID');
  });

  it('lets exactly one of many racing answers take a challenge, across both instances', async () => {
    for (let round = 0; round < 5; round++) {
      const challenge = await challengeAt(round % 2 === 0 ? a : b);
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => answerAt(i % 2 === 0 ? a : b, challenge)),
      );
      const codes = answers.map((r) => r.statusCode).sort();
      expect(codes).toEqual([201, 401, 401, 401, 401, 401, 401, 401]);
    }
  });

  it('takes a challenge row once when many connections delete it at the same moment', async () => {
    const now = new Date('2021-07-15T01:00:00Z');
    const expiresAt = new Date(now.getTime() + 60_000);
    for (let round = 0; round < 5; round++) {
      const challenge = `race-${round}`;
      await insertCitizenChallenge(
        handle(),
        { challenge, certificateSerial: HANAKO, expiresAt },
        now,
      );
      const taken = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          takeCitizenChallenge(i % 2 === 0 || !second ? handle() : second, challenge),
        ),
      );
      expect(taken.filter(Boolean)).toEqual([{ certificateSerial: HANAKO, expiresAt }]);
    }
  });

  it('ends a session at both instances when its citizen signs out at one', async () => {
    const signedIn = await answerAt(a, await challengeAt(a));
    const bearer = { authorization: `Bearer ${signedIn.json().sessionToken}` };
    expect((await b.app.inject({ url: '/v1/citizen/consents', headers: bearer })).statusCode).toBe(
      200,
    );
    const out = await b.app.inject({
      method: 'DELETE',
      url: '/v1/citizen/sessions/current',
      headers: bearer,
    });
    expect(out.statusCode).toBe(204);
    for (const f of [a, b]) {
      const refused = await f.app.inject({ url: '/v1/citizen/consents', headers: bearer });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('SESSION_REQUIRED');
      // The page session is the same session: its cookie opens no page either.
      const page = await f.app.inject({
        url: '/citizen/consents',
        headers: { cookie: `citizen_session=${signedIn.json().sessionToken}` },
      });
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/citizen/login?ended');
    }
    // Signing out twice, or without a session, is refused.
    const twice = await a.app.inject({
      method: 'DELETE',
      url: '/v1/citizen/sessions/current',
      headers: bearer,
    });
    expect(twice.json().code).toBe('SESSION_REQUIRED');
    const bare = await a.app.inject({ method: 'DELETE', url: '/v1/citizen/sessions/current' });
    expect(bare.statusCode).toBe(401);
  });
});
