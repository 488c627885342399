// One bad value in a bulk file costs its line and nothing else, whatever the value (issue 18: a
// single such line used to make PostgreSQL refuse its whole chunk, 274 of 274 good lines lost).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { SEED_POLICY } from '@shikaku/core/mis-entry';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { countRegistrations } from '@shikaku/db/intermediate/registrations';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import type { BatchResult } from '../registration/register.js';
import {
  type ChunkItem,
  type ChunkReport,
  type LineError,
  noCounts,
  registerItems,
} from './chunk.js';
import { processUpload, type UploadDeps } from './upload.js';

const INSURER = insurerNumberFromBody('0113001');
const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));
const GOOD = 274;

/** NDJSON lines: GOOD good members and, at line `badAt`, one with `bad` over a good member. */
function ndjson(seed: number, badAt: number, bad: Record<string, unknown>): string {
  const lines: string[] = [];
  for (let i = 0; i < GOOD + 1; i++) {
    const member = {
      myNumber: myNumberFromBody(String(50_000_000_000 + seed * 1_000 + i)),
      cardSymbol: '77',
      cardNumber: `F${seed}-${i}`,
      branchNumber: '00',
      name: '資格 太郎',
      nameKana: 'シカク タロウ',
      birthDate: '1980-01-02',
      sex: '1',
      address: '東京都',
      qualificationDate: '2021-04-01',
    };
    // '@1e309' stands for the bare JSON number 1e309, which JSON.stringify cannot write.
    const line = JSON.stringify(lines.length + 1 === badAt ? { ...member, ...bad } : member);
    lines.push(line.replace('"@1e309"', '1e309'));
  }
  return lines.join('\n') + '\n';
}

const BAD_VALUES: Array<[string, Record<string, unknown>, string, string]> = [
  ['a NUL in a name', { name: '資格\u0000太郎' }, 'name', 'INVALID_TEXT'],
  ['a lone surrogate in an address', { address: '東京都\ud800' }, 'address', 'INVALID_TEXT'],
  ['February 30th', { birthDate: '2021-02-30' }, 'birthDate', 'INVALID_DATE'],
  ['month 13', { qualificationDate: '2021-13-01' }, 'qualificationDate', 'INVALID_DATE'],
  ['year 0', { birthDate: '0000-01-01' }, 'birthDate', 'INVALID_DATE'],
  ['year 0, compact', { cardValidTo: '00000101' }, 'cardValidTo', 'INVALID_DATE'],
  ['a number beyond any column', { cardNumber: '@1e309' }, 'cardNumber', 'INVALID_FIELD'],
  ['an object for text', { address: { a: 1 } }, 'address', 'INVALID_FIELD'],
];

describeEachDatabase('a bad value in a bulk file', ({ handle }) => {
  const deps = (): UploadDeps => ({
    handle: handle(),
    clock,
    policy: SEED_POLICY,
    personRefSecret: 'test-secret',
    // The whole file is one chunk, so one refused value would cost every line.
    batchSize: 1_000,
    concurrency: 1,
  });

  BAD_VALUES.forEach(([what, bad, field, code], index) => {
    it(`${what}: the line is reported, the ${GOOD} good lines go through`, async () => {
      const before = await countRegistrations(handle());
      const badAt = 100 + index;
      const report = await processUpload(
        deps(),
        INSURER,
        'ndjson',
        Readable.from([ndjson(index + 1, badAt, bad)]),
      );
      expect(report).toMatchObject({ totalLines: GOOD + 1, accepted: GOOD, rejected: 1 });
      expect(report.errors.map((e) => [e.line, e.field, e.code])).toEqual([[badAt, field, code]]);
      expect((await countRegistrations(handle())) - before).toBe(GOOD);
    });
  });

  it('a Shift_JIS file sent as UTF-8 gets INVALID_ENCODING on its lines, not INVALID_KANA_NAME', async () => {
    const report = await processUpload(deps(), INSURER, 'csv', Readable.from([sjisFile(20)]));
    expect(report).toMatchObject({ totalLines: 2, accepted: 0, rejected: 2 });
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'INVALID_ENCODING'],
      [3, 'INVALID_ENCODING'],
    ]);
  });

  it('a Shift_JIS file declared as such is decoded and registered', async () => {
    const before = await countRegistrations(handle());
    const report = await processUpload(
      deps(),
      INSURER,
      'csv',
      Readable.from([sjisFile(21)]),
      'shift_jis',
    );
    expect(report).toMatchObject({ totalLines: 2, accepted: 2, rejected: 0 });
    expect((await countRegistrations(handle())) - before).toBe(2);
  });

  it.each([
    ['a stray quote', 'myNumber,"name,nameKana\n'],
    ['an NDJSON line', '{"myNumber":"1","name":"x"}\n'],
  ])('a CSV header with %s is INVALID_CSV at line 1', async (_what, header) => {
    await expect(
      processUpload(deps(), INSURER, 'csv', Readable.from([`${header}a,b,c\n`])),
    ).rejects.toMatchObject({ code: 'INVALID_CSV', details: { line: 1 } });
  });
});

/** Shift_JIS bytes of text, each character found by decoding the two-byte space (no encoder). */
const sjisOf = new Map<string, number[]>();
function sjis(text: string): Buffer {
  const decoder = new TextDecoder('shift_jis');
  const bytes: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) {
      bytes.push(char.charCodeAt(0));
      continue;
    }
    let found = sjisOf.get(char);
    for (let lead = 0x81; !found && lead <= 0xfc; lead++)
      for (let trail = 0x40; !found && trail <= 0xfc; trail++)
        if (decoder.decode(Uint8Array.of(lead, trail)) === char) found = [lead, trail];
    if (!found) throw new Error(`no Shift_JIS for ${char}`);
    sjisOf.set(char, found);
    bytes.push(...found);
  }
  return Buffer.from(bytes);
}

function sjisFile(seed: number): Buffer {
  const header =
    'myNumber,cardSymbol,cardNumber,name,nameKana,birthDate,sex,address,qualificationDate';
  const rows = [0, 1].map(
    (i) =>
      `${myNumberFromBody(String(50_000_000_000 + seed * 1_000 + i))},77,S${seed}-${i},資格 太郎,シカク タロウ,1980-01-02,1,東京都,2021-04-01`,
  );
  return sjis([header, ...rows].join('\n') + '\n');
}

describe('registerItems', () => {
  const item = (line: number) => ({ line }) as unknown as ChunkItem;
  const saved = (items: ChunkItem[]): BatchResult =>
    ({
      classified: items.map(() => ({ outcome: { suspected: false } })),
      saved: { changed: items.length, notifications: 0, checks: 0 },
    }) as unknown as BatchResult;

  it('writes again in halves after a data error, so only the refused line is lost', async () => {
    const poisoned = 7;
    const batches: number[] = [];
    const write = async (items: ChunkItem[]) => {
      batches.push(items.length);
      if (items.some((i) => i.line === poisoned))
        throw Object.assign(new Error('invalid byte sequence'), { code: '22021' });
      return saved(items);
    };
    const report: ChunkReport = { records: 0, ...noCounts(), errors: [], errorsTruncated: false };
    const rejected: LineError[] = [];
    const reject = (errors: LineError[]) => {
      report.rejected++;
      rejected.push(...errors);
    };
    await registerItems(
      write,
      Array.from({ length: 20 }, (_, i) => item(i + 1)),
      report,
      reject,
    );
    expect(report).toMatchObject({ accepted: 19, changed: 19, rejected: 1 });
    expect(rejected).toEqual([
      expect.objectContaining({ line: poisoned, code: 'REJECTED_BY_DATABASE', reason: '22021' }),
    ]);
    expect(batches[0]).toBe(20);
  });

  it('does not retry an error that is not about a value (the database is down)', async () => {
    const write = async () => {
      throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    };
    const report: ChunkReport = { records: 0, ...noCounts(), errors: [], errorsTruncated: false };
    await expect(registerItems(write, [item(1), item(2)], report, () => {})).rejects.toThrow(
      'connection refused',
    );
  });
});
