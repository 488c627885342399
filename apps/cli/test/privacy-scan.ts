// Helpers of the whole-stack privacy test: an HTTP client that keeps every body it saw (with a
// cookie jar for the portal's forms), a scan for known My Numbers, and a dump of a schema's rows.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropDatabase, recreateDatabase } from '@shikaku/db/admin';
import type { DatabaseHandle } from '@shikaku/db/database';

export interface Seen {
  /** What produced the text: `GET http://… → 200`, `log`, `eligibility.consents`, a file path. */
  source: string;
  text: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** fetch that records every response body (unless `record: false`) and keeps cookies per client. */
export class RecordingClient {
  private readonly cookies = new Map<string, string>();
  constructor(
    private readonly seen: Seen[],
    private readonly record = true,
  ) {}

  async call(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await fetch(url, { redirect: 'manual', ...init, headers });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await response.text();
    if (this.record) {
      this.seen.push({
        source: `${init.method ?? 'GET'} ${url} → ${response.status}`,
        text: `${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`,
      });
    }
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.call(url, { headers });
  }

  postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  postForm(url: string, form: Record<string, string>): Promise<HttpAnswer> {
    return this.call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
}

/**
 * The known My Numbers found in `text`, as substrings: every 12-digit window of every run of
 * 12 or more digits (a number glued to other digits is found too).
 */
export function knownMyNumbersIn(text: string, known: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const run of text.match(/\d{12,}/g) ?? []) {
    for (let i = 0; i + 12 <= run.length; i++) {
      const window = run.slice(i, i + 12);
      if (known.has(window)) found.push(window);
    }
  }
  return found;
}

/** Every place a known My Number appears: `source: number`, empty when none does. */
export function leaks(seen: readonly Seen[], known: ReadonlySet<string>): string[] {
  return seen.flatMap(({ source, text }) =>
    knownMyNumbersIn(text, known).map((number) => `${source}: ${number}`),
  );
}

/** Rows of a raw query on either driver (the test reads schemas no repository exposes). */
async function query<T>(
  handle: DatabaseHandle,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (handle.pglite) return (await handle.pglite.query<T>(text, params)).rows;
  if (handle.pool) return (await handle.pool.query(text, params)).rows as T[];
  throw new Error(`no raw driver on ${handle.description}`);
}

/** Every row of every table of a schema, one text per row (PostgreSQL's row literal). */
export async function dumpSchema(handle: DatabaseHandle, schema: string): Promise<Seen[]> {
  const tables = await query<{ table_name: string }>(
    handle,
    `select table_name from information_schema.tables
     where table_schema = $1 and table_type = 'BASE TABLE' order by table_name`,
    [schema],
  );
  const rows: Seen[] = [];
  for (const { table_name: table } of tables) {
    const result = await query<{ row: string }>(
      handle,
      `select t::text as row from "${schema}"."${table}" t`,
    );
    for (const { row } of result) rows.push({ source: `${schema}.${table}`, text: row });
  }
  return rows;
}

/** The text of every file under a folder (terminal request/response files, card store, …). */
export async function readTree(dir: string): Promise<Seen[]> {
  const files: Seen[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ source: path, text: await readFile(path, 'latin1') });
  }
  return files;
}

/** Polls `probe` until it answers a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A fresh, empty database on a PostgreSQL server, for a stack of its own; `drop` removes it. */
export async function throwawayDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `shikaku_stack_privacy_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    url: await recreateDatabase(adminUrl, name),
    drop: () => dropDatabase(adminUrl, name),
  };
}
