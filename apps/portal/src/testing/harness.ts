// Test harness: the portal on a fresh PGlite database with a movable clock, a fake eligibility-api
// and a temporary receipt folder; a small browser-like client with a cookie jar that reads the
// CSRF token from each page, as a form post from that page would carry it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidMyNumber } from '@shikaku/core/my-number';
import type { DatabaseHandle, DatabaseKind } from '@shikaku/db/database';
// The vitest 'postgresUrl' type comes with the global setup's declaration.
import type {} from '@shikaku/db/testing/global-setup';
import { createTestDatabase } from '@shikaku/db/testing/test-database';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { readPortalConfig, type PortalConfig } from '../config.js';
import { directoryReceiptStore } from '../subsidy/receipt-store.js';
import type {
  EligibilityCredentialsClient,
  IssuedCredential,
} from '../usage/eligibility-client.js';

export class MovableClock {
  private ms: number;
  constructor(iso: string) {
    this.ms = Date.parse(iso);
  }
  now = (): Date => new Date(this.ms);
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export class FakeEligibility implements EligibilityCredentialsClient {
  registered: string[] = [];
  issued: IssuedCredential[] = [];
  revoked: string[] = [];
  async registerInstitution(institution: { institutionCode: string }): Promise<void> {
    this.registered.push(institution.institutionCode);
  }
  async issueCredential(institutionCode: string): Promise<IssuedCredential> {
    const n = this.issued.length + 1;
    const credential = {
      clientId: `client-${institutionCode}-${n}`,
      clientSecret: `secret-${n}-xyzzy`,
    };
    this.issued.push(credential);
    return credential;
  }
  async revokeCredential(_code: string, clientId: string): Promise<void> {
    this.revoked.push(clientId);
  }
  /** What eligibility-api's login would answer for this credential. */
  login(clientId: string, clientSecret: string): 'OK' | 'CREDENTIAL_REVOKED' | 'UNAUTHENTICATED' {
    const known = this.issued.find((c) => c.clientId === clientId);
    if (!known || known.clientSecret !== clientSecret) return 'UNAUTHENTICATED';
    return this.revoked.includes(clientId) ? 'CREDENTIAL_REVOKED' : 'OK';
  }
}

export interface Harness {
  app: FastifyInstance;
  handle: DatabaseHandle;
  clock: MovableClock;
  eligibility: FakeEligibility;
  config: PortalConfig;
  close(): Promise<void>;
}

export async function startHarness(
  startIso = '2021-03-01T10:00:00+09:00',
  overrides: Partial<PortalConfig> = {},
  kind: DatabaseKind = 'pglite',
): Promise<Harness> {
  const db = await createTestDatabase(kind);
  const uploadDir = await mkdtemp(join(tmpdir(), 'portal-receipts-'));
  const clock = new MovableClock(startIso);
  const eligibility = new FakeEligibility();
  const config: PortalConfig = {
    ...readPortalConfig({}),
    // Tests read mail as the stack does.
    mailbox: true,
    uploadDir,
    maxReceiptBytes: 64 * 1024,
    // Tests move the clock by months; the expiry test moves it past this.
    sessionTtlMinutes: 366 * 24 * 60,
    publicUrl: 'http://portal.test',
    ...overrides,
  };
  const app = await buildApp(config, {
    handle: db.handle,
    clock,
    eligibility,
    receipts: directoryReceiptStore(uploadDir),
  });
  return {
    app,
    handle: db.handle,
    clock,
    eligibility,
    config,
    async close() {
      await app.close();
      await db.cleanup();
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Every page body a client saw, to check that no My Number ever appears. */
export const seenBodies: string[] = [];

export function findMyNumbers(text: string): string[] {
  return (text.match(/(?<!\d)\d{12}(?!\d)/g) ?? []).filter((n) => isValidMyNumber(n));
}

export class Client {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match?.[1]) this.csrf = match[1];
    seenBodies.push(response.body);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader() },
    });
    this.remember(response);
    return response;
  }

  /** Posts a form as the browser would from the last page (with its CSRF token unless told not to). */
  async post(
    url: string,
    form: Record<string, string>,
    options: { csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const fields = options.csrf === false ? form : { _csrf: this.csrf, ...form };
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.remember(response);
    return response;
  }

  async upload(
    url: string,
    file: { name: string; type: string; bytes: Buffer },
  ): Promise<LightMyRequestResponse> {
    const boundary = '----portaltest';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${this.csrf}\r\n`,
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="receipt"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: this.cookieHeader(),
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload,
    });
    this.remember(response);
    return response;
  }
}

/** The first link in the newest mail to `to`. */
export async function lastMailLink(client: Client, to: string): Promise<string> {
  const box = await client.get(`/mailbox?to=${encodeURIComponent(to)}`);
  const match = /href="http:\/\/portal\.test([^"]+)"/.exec(box.body);
  if (!match?.[1]) throw new Error(`no link in mail to ${to}`);
  return match[1].replaceAll('&amp;', '&');
}

/** Signs up, verifies and logs in an institution; answers the logged-in client. */
export async function signUp(
  app: FastifyInstance,
  fields: {
    institutionCode: string;
    name?: string;
    facilityType: string;
    largeChain?: boolean;
    email: string;
  },
): Promise<Client> {
  const client = new Client(app);
  await client.get('/signup');
  const response = await client.post('/signup', {
    institutionCode: fields.institutionCode,
    name: fields.name ?? 'テスト医院',
    facilityType: fields.facilityType,
    ...(fields.largeChain ? { largeChain: '1' } : {}),
    email: fields.email,
    password: 'correct-horse-42',
    passwordConfirm: 'correct-horse-42',
  });
  if (response.statusCode !== 200) throw new Error(`sign-up failed: ${response.statusCode}`);
  await client.get(await lastMailLink(client, fields.email));
  await client.get('/login');
  const login = await client.post('/login', { email: fields.email, password: 'correct-horse-42' });
  if (login.statusCode !== 303) throw new Error(`login failed: ${login.statusCode}`);
  return client;
}
