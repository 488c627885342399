// `shikaku loadtest` starts `shikaku stack --json` and reads the stack's description from its
// stdout, which the stack's log (pino, one JSON object a line with a numeric level) shares: a
// warning logged before the description (a wall clock far from the database's, a stale lock)
// must not be taken for it.
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { firstJsonLine } from './loadtest-action.js';

function fakeStack(): { child: ChildProcess; say: (text: string) => void } {
  const stdout = new PassThrough();
  const child = Object.assign(new EventEmitter(), { stdout }) as unknown as ChildProcess;
  return { child, say: (text) => stdout.write(text) };
}

const warning = JSON.stringify({
  level: 40,
  time: 1,
  name: 'eligibility-api',
  msg: 'the wall clock is 9 min from the database',
});
const description = {
  apps: { 'eligibility-api': { url: 'http://127.0.0.1:8502' } },
  database: 'x',
};

it('passes over log lines before the description, also split across chunks', async () => {
  const { child, say } = fakeStack();
  const read = firstJsonLine(child, 5_000);
  const text = `${warning}\n${warning}\n${JSON.stringify(description)}\n`;
  say(text.slice(0, 30));
  say(text.slice(30, 150));
  say(text.slice(150));
  await expect(read).resolves.toEqual(description);
});

it("fails STACK_FAILED on the stack's error, and on a line that is not JSON", async () => {
  const failed = fakeStack();
  const error = firstJsonLine(failed.child, 5_000);
  failed.say(`${warning}\n${JSON.stringify({ error: { code: 'DATA_DIR_IN_USE' } })}\n`);
  await expect(error).rejects.toMatchObject({ code: 'STACK_FAILED' });

  const garbled = fakeStack();
  const garbage = firstJsonLine(garbled.child, 5_000);
  garbled.say('Segmentation fault\n');
  await expect(garbage).rejects.toMatchObject({
    code: 'STACK_FAILED',
    message: expect.stringContaining('Segmentation fault'),
  });
});
