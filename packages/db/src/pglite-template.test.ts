import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { preparePgliteDir } from './pglite-template.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pglite-template-'));
  dirs.push(dir);
  return dir;
}

/** The migrations each schema recorded, and whether the dir can be written. */
async function migratedState(pgliteDir: string) {
  const handle = await openDatabase({ pgliteDir });
  try {
    const { rows } = await sql<{ schema: string; n: number }>`
      select 'jlis' as schema, count(*)::int as n from jlis.kysely_migration
      union all select 'intermediate', count(*)::int from intermediate.kysely_migration
      union all select 'eligibility', count(*)::int from eligibility.kysely_migration
      union all select 'portal', count(*)::int from portal.kysely_migration`.execute(handle.db);
    await sql`insert into jlis.residents (my_number, name, name_kana, birth_date, sex, address)
              values ('123456789018', '試験', 'シケン', '2000-01-01', '1', '東京都')`.execute(
      handle.db,
    );
    return rows;
  } finally {
    await handle.close();
  }
}

describe('preparePgliteDir', () => {
  it('makes the template once, copies it into each fresh dir, and leaves a used dir alone', async () => {
    const root = await tempDir();
    const templates = join(root, 'templates');

    expect(await preparePgliteDir(join(root, 'a'), templates)).toBe('template-made');
    // A copy into b killed midway (SIGKILL: no finally ran) left its partial folder.
    await mkdir(join(root, 'b.partial-1-dead'));
    await writeFile(join(root, 'b.partial-1-dead', 'PG_VERSION'), '17\n');
    expect(await preparePgliteDir(join(root, 'b'), templates)).toBe('copied');
    // One template, published whole: no half-made or partial copies left beside it.
    expect(await readdir(templates)).toEqual([
      expect.stringMatching(/^pglite-[\d.]+-[0-9a-f]{16}$/),
    ]);
    expect((await readdir(root)).sort()).toEqual(['a', 'b', 'templates']);

    // Both copies are migrated databases of their own: a row written in one is not in the other.
    const a = await migratedState(join(root, 'a'));
    expect(a.every((r) => r.n > 0)).toBe(true);
    expect(await preparePgliteDir(join(root, 'a'), templates)).toBe('existing');
    const handle = await openDatabase({ pgliteDir: join(root, 'b') });
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from jlis.residents`.execute(handle.db);
    await handle.close();
    expect(rows).toEqual([{ n: 0 }]);
  });
});
