import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@shikaku/db/database';
import { withRawTransaction } from '@shikaku/db/intermediate/raw';
import { createLogger } from '@shikaku/platform/logger';
import { generatePopulation } from '@shikaku/synth/population';
import type { StackComponent } from './component.js';
import { eligibilityApiComponent } from './eligibility-api.js';
import { insurerApiComponent } from './insurer-api.js';
import { jlisComponent } from './jlis.js';
import { startStack } from './run-stack.js';

const MEMBERS = 300;
const AS_OF = '2021-07-15';

describe('jlis + insurer-api + eligibility-api in one stack', () => {
  it('keeps every My Number inside the intermediate and jlis schemas, and out of the logs', async () => {
    let handle: DatabaseHandle | undefined;
    // Lends the test the stack's database handle.
    const probe: StackComponent = {
      name: 'probe',
      title: 'probe',
      portOffset: 9,
      async start(context) {
        handle = context.handle;
        return { url: 'probe', notes: [], close: async () => {} };
      },
    };
    const lines: string[] = [];
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const stack = await startStack(
      [jlisComponent, insurerApiComponent, eligibilityApiComponent, probe],
      {
        host: '127.0.0.1',
        basePort: 0,
        asOf: AS_OF,
        seed: 3,
        members: MEMBERS,
        dataDir: `/tmp/shikaku-h2-stack-test-${process.pid}`,
        memory: true,
        databaseUrl: undefined,
        only: undefined,
        logger: createLogger({ name: 'stack', level: 'debug', destination: out }),
      },
    );
    try {
      const insurer = stack.components.find((c) => c.name === 'insurer-api')!;
      expect(insurer.notes[0]).toContain(`${MEMBERS} members seeded`);
      expect(insurer.notes.some((n) => n.includes('Authorization: Bearer ik_'))).toBe(true);
      const eligibility = stack.components.find((c) => c.name === 'eligibility-api')!;
      // The fresh seed reached eligibility-api in one bulk load (seed-equivalence.test.ts).
      expect(eligibility.notes.join('\n')).toMatch(
        new RegExp(`outbox: ${MEMBERS} seeded events bulk-loaded, 0 events applied`),
      );

      const numbers = [...generatePopulation({ seed: 3, size: MEMBERS, asOf: AS_OF })].map(
        (p) => p.myNumber,
      );
      const pattern = `(${numbers.join('|')})`;
      const leaks = await withRawTransaction(handle!, async (db) => {
        const columns = await db.query<{ s: string; t: string; c: string }>(
          `select table_schema as s, table_name as t, column_name as c
           from information_schema.columns
           where table_schema not in ('intermediate', 'jlis', 'pg_catalog', 'information_schema')
             and data_type in ('text', 'character', 'character varying', 'jsonb', 'json')`,
        );
        const found: string[] = [];
        for (const { s, t, c } of columns.rows) {
          const hits = await db.query<{ n: number }>(
            `select count(*)::int as n from "${s}"."${t}" where "${c}"::text ~ $1`,
            [pattern],
          );
          if ((hits.rows[0]?.n ?? 0) > 0) found.push(`${s}.${t}.${c}`);
        }
        return { found, scanned: columns.rows.length };
      });
      expect(leaks.scanned).toBeGreaterThan(5);
      expect(leaks.found).toEqual([]);
      const logs = lines.join('');
      for (const n of numbers) expect(logs.includes(n), 'a My Number in the logs').toBe(false);
    } finally {
      await stack.close();
    }
  }, 120_000);
});
