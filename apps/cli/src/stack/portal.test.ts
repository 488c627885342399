import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@shikaku/platform/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { portalComponent } from './portal.js';
import { startStack } from './run-stack.js';

describe('portal in the stack', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stack-portal-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'seeds institutions in every state with demo logins, on the --as-of clock',
    { timeout: 90_000 },
    async () => {
      const stack = await startStack([portalComponent], {
        host: '127.0.0.1',
        basePort: 0,
        asOf: '2021-08-02',
        seed: 1,
        members: 100,
        dataDir,
        memory: true,
        databaseUrl: undefined,
        only: undefined,
        logger: createLogger({ name: 'test', level: 'silent' }),
      });
      try {
        const portal = stack.components.find((c) => c.name === 'portal');
        expect(portal?.notes.join('\n')).toMatch(/seeded \d+ institutions/);
        expect(portal?.notes.join('\n')).toContain('operator@shikaku.example');
        expect(portal?.notes.join('\n')).toContain('no eligibility-api in this stack');
        const login = await fetch(`${portal?.url}/login`);
        expect(login.status).toBe(200);
        const page = await login.text();
        expect(page).toMatch(/本日：2021年8月2日/);
        // The FAQ answers in the stack as in tests.
        const faq = (await (
          await fetch(`${portal?.url}/api/v1/faq?q=${encodeURIComponent('機種未定の期限')}`)
        ).json()) as {
          answers: Array<{ id: string }>;
        };
        expect(faq.answers[0]?.id).toBe('FAQ-08');
        // The deadline job ran at start: past 2021-08-01 the seeded 機種未定 applications are cancelled.
        const mailbox = `${portal?.url}/mailbox?to=clinic-undecided%40shikaku.example`;
        let mail = '';
        for (let i = 0; i < 50 && !mail.includes('取り消しました'); i++) {
          mail = await (await fetch(mailbox)).text();
          if (!mail.includes('取り消しました')) await new Promise((r) => setTimeout(r, 200));
        }
        expect(mail).toContain('お申し込みを取り消しました');
      } finally {
        await stack.close();
      }
    },
  );
});
