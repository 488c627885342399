// Every route of the portal gets generated bad input (docs/decisions.md, "Fuzzing every route"),
// as a logged-in clinic and as the operator, with the CSRF token: no 5xx, a stable code on every
// 4xx (the error page's コード), nothing stored by a rejected request.
// `pnpm --filter @shikaku/portal fuzz -- --runs 2000`.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowCounts } from '@shikaku/db/testing/row-counts';
import type { DeclaredRoute } from '@shikaku/platform/input-guards';
import {
  FUZZ_TIMEOUT_MS,
  type FuzzFailure,
  fuzzRoute,
  fuzzRuns,
  fuzzTargets,
} from '@shikaku/platform/testing/fuzz';
import { DEMO_PASSWORD, seedPortal } from './seed.js';
import { Client, type Harness, startHarness } from './testing/harness.js';

const FUZZ_RUNS_CI = 15;

/** Form fields the portal's pages post (a route declares none: forms are read by hand). */
const FIELDS = [
  'email',
  'password',
  'passwordConfirm',
  'institutionCode',
  'name',
  'facilityType',
  'largeChain',
  'quantity',
  'model',
  'reason',
  'note',
  'title',
  'body',
  'next',
  'token',
  'cost',
  'readers',
  'question',
  'decision',
  'confirm',
  'clientId',
];

/** A logged-in session's cookie and CSRF token, as headers. */
async function loggedIn(app: FastifyInstance, email: string): Promise<Record<string, string>> {
  const client = new Client(app);
  await client.get('/login');
  const response = await client.post('/login', { email, password: DEMO_PASSWORD });
  if (response.statusCode !== 303) throw new Error(`login of ${email}: ${response.statusCode}`);
  await client.get('/');
  const cookie = (client as unknown as { cookieHeader(): string }).cookieHeader();
  return { cookie, 'x-csrf-token': client.csrf };
}

let h: Harness;
let clinic: Record<string, string>;
let operator: Record<string, string>;
beforeAll(async () => {
  h = await startHarness('2021-07-15T10:00:00+09:00');
  await seedPortal(h.handle, h.clock, { seed: 1, scale: 0.0002 });
  clinic = await loggedIn(h.app, 'clinic-new@shikaku.example');
  operator = await loggedIn(h.app, 'operator@shikaku.example');
});
afterAll(() => h.close());

it(
  'answers generated bad input on every route with no 5xx, a code, nothing stored',
  async () => {
    const targets = fuzzTargets(h.app, (route) => route.url === '/logout');
    expect(targets.length).toBeGreaterThan(20);
    const failures: FuzzFailure[] = [];
    for (const route of targets) {
      const { failure } = await fuzzRoute(h.app, route, {
        runs: fuzzRuns(FUZZ_RUNS_CI),
        headers: (r: DeclaredRoute) => (r.url.startsWith('/operator') ? operator : clinic),
        encoding: () => 'form',
        vocabulary: FIELDS,
        paramValues: ['1', '2', '0110113719'],
        // Sessions are touched by every page view; the mailbox is read, not written, by a rejection.
        stored: () => rowCounts(h.handle, ['portal'], ['portal.sessions']),
      });
      if (failure) failures.push(failure);
    }
    console.info(
      `fuzz: ${targets.length} routes × ${fuzzRuns(FUZZ_RUNS_CI)} cases, ${failures.length} failing`,
    );
    expect(failures).toEqual([]);
  },
  FUZZ_TIMEOUT_MS,
);
