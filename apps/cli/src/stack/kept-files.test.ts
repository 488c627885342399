import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readKeptEntries, writeKeptEntries } from './kept-files.js';

it('writes a kept list owner-only, over an older one that was not, leaving nothing aside', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kept-files-'));
  const file = join(dir, 'client-credentials.json');
  await writeFile(file, '[]\n', { mode: 0o644 });
  await writeKeptEntries(file, [{ institutionCode: '1312345678', clientSecret: 's' }]);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(await readKeptEntries(file)).toEqual([
    { institutionCode: '1312345678', clientSecret: 's' },
  ]);
  expect(await readdir(dir)).toEqual(['client-credentials.json']);
});
