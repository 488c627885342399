import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '../database.js';
import { registrationWrite } from '../testing/registrations.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deleteInsurerRegistrations,
  exportRegistrations,
  importRegistrations,
  registrationsCopyText,
  replaceRegistrations,
} from './bulk-load.js';
import type { RegistrationWrite } from './registrations.js';

const at = new Date('2021-07-15T01:00:00Z');

function member(n: number, overrides: Partial<RegistrationWrite> = {}): RegistrationWrite {
  return registrationWrite({
    qualificationId: `E${n}`,
    cardNumber: String(n),
    myNumber: String(123456789000 + n),
    personRef: `P-${n}`,
    registeredOn: '2021-03-01',
    checkStatus: 'unchecked',
    noHistory: false,
    sourceHash: null,
    sourceLine: null,
    jlisCheck: null,
    ...overrides,
  });
}

async function* chunks(...texts: (string | Uint8Array)[]) {
  yield* texts;
}

describe('registrationsCopyText', () => {
  it('writes one COPY line per row, nulls as \\N and special characters escaped', () => {
    const text = registrationsCopyText([member(1, { address: 'a\tb\\c\nd' })], at);
    const fields = text.slice(0, -1).split('\t');
    expect(text.endsWith('\n')).toBe(true);
    expect(fields[0]).toBe('E1');
    expect(fields).toContain('a\\tb\\\\c\\nd');
    expect(fields.at(-1)).toBe(at.toISOString());
    // disqualificationDate, reasonOfLoss, cardValidTo, sourceHash, sourceLine
    expect(fields.filter((f) => f === '\\N')).toHaveLength(5);
    expect(fields).toContain('2021-04-05'); // cardIssuedOn
  });
});

const postgresUrl = inject('postgresUrl');

describe.skipIf(!postgresUrl)('replaceRegistrations [postgres]', () => {
  let test: TestDatabase | undefined;
  const handle = (): DatabaseHandle => test!.handle;
  const query = async <R>(text: string) => (await handle().pool!.query<R & object>(text)).rows;
  const indexes = () =>
    query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes
       where schemaname = 'intermediate' and tablename = 'registrations' order by 1`,
    );
  const qualificationIds = async () =>
    (
      await query<{ id: string }>(
        'select qualification_id as id from intermediate.registrations order by 1',
      )
    ).map((r) => r.id);

  beforeAll(async () => {
    test = await createTestDatabase('postgres', postgresUrl);
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('replaces every row by COPY and rebuilds the same indexes and constraints', async () => {
    const before = await indexes();
    expect(before.map((i) => i.name)).toContain('registrations_card');
    expect(
      await replaceRegistrations(handle(), chunks(registrationsCopyText([member(9)], at))),
    ).toBe(1);

    const loaded = await replaceRegistrations(
      handle(),
      chunks(
        registrationsCopyText([member(1), member(2)], at),
        new TextEncoder().encode(registrationsCopyText([member(3)], at)),
      ),
    );

    expect(loaded).toBe(3);
    expect(await qualificationIds()).toEqual(['E1', 'E2', 'E3']);
    expect(await indexes()).toEqual(before);
    const constraints = await query<{ name: string }>(
      `select conname as name from pg_constraint
       where conrelid = 'intermediate.registrations'::regclass and contype in ('p', 'u') order by 1`,
    );
    expect(constraints.map((c) => c.name)).toEqual(['registrations_card', 'registrations_pkey']);
  });

  it('leaves the table as it was when a row breaks a constraint', async () => {
    const before = await indexes();
    const duplicateCard = member(5, { cardNumber: '4' });

    await expect(
      replaceRegistrations(handle(), chunks(registrationsCopyText([member(4), duplicateCard], at))),
    ).rejects.toThrow(/registrations_card/);

    expect(await qualificationIds()).toEqual(['E1', 'E2', 'E3']);
    expect(await indexes()).toEqual(before);
  });

  it("exports an insurer's registrations and imports them back unchanged, in parallel", async () => {
    const rows = async () =>
      query<Record<string, unknown>>(
        'select * from intermediate.registrations order by qualification_id',
      );
    await replaceRegistrations(
      handle(),
      chunks(
        registrationsCopyText(
          [member(1), member(2), member(3), member(4, { insurerNumber: '06270014' })],
          at,
        ),
      ),
    );
    const before = await rows();
    const dir = await mkdtemp(join(tmpdir(), 'shikaku-export-'));
    try {
      const files = [join(dir, 'a'), join(dir, 'b')];
      expect(await exportRegistrations(handle(), '01130012', files)).toBe(3);
      await deleteInsurerRegistrations(handle(), '01130012');
      expect((await rows()).map((r) => r.qualification_id)).toEqual(['E4']);
      expect(await importRegistrations(handle(), files)).toBe(3);
      expect(await rows()).toEqual(before);
      await expect(exportRegistrations(handle(), "1' or true --", files)).rejects.toThrow(
        /not an insurer number/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
