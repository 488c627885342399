// Benchmark: what one test database costs, by how it is made (docs/benchmarks.md, "test databases
// from a template"): `fresh` (initdb + every migration), `dump` (an in-memory PGlite loaded from
// the template's dumpDataDir tarball: what createTestDatabase does), `copy` (pglite-template's copy
// of the template folder, opened as a file data dir, removed after). Each database then takes 200
// inserts, as a test would. Run from packages/db after a build:
//
//   node dist/bench/template-open-bench.js <fresh|dump|copy> [databases]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import { preparePgliteDir } from '../pglite-template.js';

const MODES = ['fresh', 'dump', 'copy'] as const;
const [mode = 'dump', count = '5'] = process.argv.slice(2);
if (!(MODES as readonly string[]).includes(mode) || !(Number(count) > 0))
  throw new Error('usage: template-open-bench.js <fresh|dump|copy> [databases]');
const root = mkdtempSync(join(tmpdir(), 'template-open-bench-'));
const templates = join(root, 'templates');
const cpu = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

async function use(handle: DatabaseHandle): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await handle.pglite!.query(
      `insert into jlis.residents (my_number, name, name_kana, birth_date, sex, address)
       values ($1, '試験', 'シケン', '2000-01-01', '1', '東京都')`,
      [String(100_000_000_000 + i)],
    );
  }
  await handle.close();
}

// The dump as templates.ts makes it: a migrated in-memory PGlite, dumped.
const dump = join(root, 'template.tar');
if (mode === 'dump') {
  const handle = await openDatabase();
  await migrateToLatest(handle);
  writeFileSync(dump, Buffer.from(await (await handle.pglite!.dumpDataDir('none')).arrayBuffer()));
  await handle.close();
}
if (mode === 'copy') await preparePgliteDir(join(root, 'warm'), templates);
for (let i = 0; i < Number(count); i++) {
  const cpu0 = cpu();
  const wall0 = performance.now();
  if (mode === 'fresh') {
    const handle = await openDatabase();
    await migrateToLatest(handle);
    await use(handle);
  } else if (mode === 'dump') {
    await use(await openDatabase({ pgliteDump: new Blob([readFileSync(dump)]) }));
  } else {
    const dir = join(root, `db-${i}`);
    await preparePgliteDir(dir, templates);
    await use(await openDatabase({ pgliteDir: dir }));
    rmSync(dir, { recursive: true, force: true });
  }
  const wall = (performance.now() - wall0) / 1000;
  console.log(`${mode} ${i}: wall ${wall.toFixed(2)} s, cpu ${(cpu() - cpu0).toFixed(2)} s`);
}
rmSync(root, { recursive: true, force: true });
