import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStackSecrets, PERSON_REF_SECRET_FILE } from './secrets.js';

describe('the stack secrets', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stack-secrets-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('are random per run; the personRef secret lives as long as a persistent database', async () => {
    const first = await makeStackSecrets({ dataDir, persistent: true, serviceKey: undefined });
    const second = await makeStackSecrets({ dataDir, persistent: true, serviceKey: undefined });
    expect(second.serviceKey).not.toBe(first.serviceKey);
    expect(second.tokenSecret).not.toBe(first.tokenSecret);
    expect(second.jlisControlKey).not.toBe(first.jlisControlKey);
    expect(second.personRefSecret).toBe(first.personRefSecret);
    expect((await stat(join(dataDir, PERSON_REF_SECRET_FILE))).mode & 0o777).toBe(0o600);
    const memory = await makeStackSecrets({ dataDir, persistent: false, serviceKey: undefined });
    expect(memory.personRefSecret).not.toBe(first.personRefSecret);
  });

  it('take a given service key, but not a published default', async () => {
    const given = 'a-service-key-given-by-the-loadtest';
    expect(
      (await makeStackSecrets({ dataDir, persistent: false, serviceKey: given })).serviceKey,
    ).toBe(given);
    await expect(
      makeStackSecrets({ dataDir, persistent: false, serviceKey: 'dev-service-key' }),
    ).rejects.toThrow(/SHIKAKU_SERVICE_KEY/);
  });
});
