import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { SEED_POLICY } from '@shikaku/core/mis-entry';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { countRegistrations } from '@shikaku/db/intermediate/registrations';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { type BulkPool, createBulkPool } from './pool.js';
import { processUpload, type UploadDeps } from './upload.js';

const INSURER = insurerNumberFromBody('0113001');
const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));
const HEADER =
  'myNumber,cardSymbol,cardNumber,branchNumber,name,nameKana,birthDate,sex,address,qualificationDate';

/** 60 members; every 20th line from the 7th has a bad My Number. */
function file(): { csv: string; badLines: number[] } {
  const lines = [HEADER];
  const badLines: number[] = [];
  for (let i = 0; i < 60; i++) {
    const bad = i % 20 === 5;
    const myNumber = bad ? '123' : myNumberFromBody(String(30_000_000_000 + i));
    lines.push(`${myNumber},77,U${i},00,資格 太郎,シカク タロウ,1980-01-02,1,東京都,2021-04-01`);
    if (bad) badLines.push(lines.length);
  }
  return { csv: lines.join('\n') + '\n', badLines };
}

describeEachDatabase('bulk upload in chunks', ({ handle, kind }) => {
  // On PostgreSQL the chunks go to two worker threads writing to this test's database; the spy
  // counts the chunks and whether each one moved to a thread.
  const tasks: Array<{ movedBytes: boolean }> = [];
  let real: BulkPool | undefined;
  const spy = (): BulkPool | undefined => {
    if (kind !== 'postgres') return undefined;
    real ??= createBulkPool(2, handle().url!);
    const pool = real;
    return {
      workers: pool.workers,
      async run(task) {
        const result = await pool.run(task);
        // A chunk that went to a worker thread was moved there: its buffer here is detached.
        tasks.push({ movedBytes: task.bytes.byteLength === 0 });
        return result;
      },
      close: () => pool.close(),
    };
  };
  afterAll(() => real?.close());

  const deps = (): UploadDeps => ({
    handle: handle(),
    clock,
    policy: SEED_POLICY,
    personRefSecret: 'test-secret',
    batchSize: 7,
    concurrency: 3,
    pool: spy(),
  });

  it('registers every good line, lists the bad ones in line order, and repeats nothing', async () => {
    const { csv, badLines } = file();
    const first = await processUpload(deps(), INSURER, 'csv', Readable.from([csv]));
    expect(first).toMatchObject({
      totalLines: 60,
      accepted: 57,
      rejected: 3,
      changed: 57,
      jlisQueued: 57,
      repeated: false,
    });
    expect(first.errors.map((e) => [e.line, e.field, e.code])).toEqual(
      badLines.map((line) => [line, 'myNumber', 'INVALID_MY_NUMBER']),
    );
    expect(await countRegistrations(handle())).toBe(57);

    const again = await processUpload(deps(), INSURER, 'csv', Readable.from([csv]));
    expect(again).toMatchObject({ accepted: 57, changed: 0, unchanged: 57, repeated: true });
    expect(await countRegistrations(handle())).toBe(57);

    if (kind === 'postgres') {
      // 60 records in chunks of 7, twice.
      expect(tasks).toHaveLength(18);
      expect(tasks.every((t) => t.movedBytes)).toBe(true);
    }
  });

  it('reports a line with a My Number in a free-text field by line number; good lines go through', async () => {
    const typed = myNumberFromBody('40000000001');
    const grouped = `${typed.slice(0, 4)}-${typed.slice(4, 8)}-${typed.slice(8)}`;
    const lines = [HEADER];
    for (let i = 0; i < 10; i++) {
      const address = i === 3 ? `東京都 ${grouped}` : '東京都';
      const name = i === 7 ? `資格 ${typed}` : '資格 花子';
      lines.push(
        `${myNumberFromBody(String(31_000_000_000 + i))},78,V${i},00,${name},シカク ハナコ,1981-02-03,2,${address},2021-04-01`,
      );
    }
    const report = await processUpload(
      deps(),
      INSURER,
      'csv',
      Readable.from([lines.join('\n') + '\n']),
    );
    expect(report).toMatchObject({ totalLines: 10, accepted: 8, rejected: 2 });
    expect(report.errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [5, 'address', 'MY_NUMBER_IN_FREE_TEXT'],
      [9, 'name', 'MY_NUMBER_IN_FREE_TEXT'],
    ]);
    const said = JSON.stringify(report);
    expect(said).not.toContain(typed);
    expect(said).not.toContain(grouped);
  });
});
