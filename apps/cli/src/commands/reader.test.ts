import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { createLogger } from '@shikaku/platform/logger';
import { buildApp } from '@shikaku/reader-emulator/app';
import {
  type EmulatorFixture,
  startEmulatorFixture,
} from '@shikaku/reader-emulator/testing/emulator-fixture';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerReaderCommand } from './reader.js';

const SCENARIOS = new URL('../../../reader-emulator/scenarios/', import.meta.url).pathname;

describe('shikaku reader', () => {
  let fixture: EmulatorFixture;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;
  beforeEach(async () => {
    fixture = await startEmulatorFixture();
    app = await buildApp(
      { docs: false },
      { emulator: fixture.emulator, logger: createLogger({ name: 'test', level: 'silent' }) },
    );
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await app.close();
    await fixture.close();
  });

  async function run(args: string[], input = ''): Promise<string> {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => (text += String(chunk)));
    const program = new Command('shikaku').exitOverride();
    const stdin = new PassThrough();
    stdin.end(input);
    registerReaderCommand(program, { input: stdin, output });
    await program.parseAsync(['node', 'shikaku', ...args]);
    return text;
  }

  it('runs scenario files and reports each', async () => {
    const text = await run([
      'reader',
      'run',
      `${SCENARIOS}pin-lock.yaml`,
      `${SCENARIOS}face-match.yaml`,
      '--url',
      url,
    ]);
    expect(text).toBe(
      `✓ PIN lock at three wrong tries (${SCENARIOS}pin-lock.yaml)\n✓ face match at the threshold (${SCENARIOS}face-match.yaml)\n`,
    );
  });

  it('fails with SCENARIO_FAILED when a scenario does not pass', async () => {
    // Run twice: the second time the card of pin-lock is locked from the start.
    await run(['reader', 'run', `${SCENARIOS}pin-lock.yaml`, '--url', url]);
    await expect(
      run(['reader', 'run', `${SCENARIOS}pin-lock.yaml`, '--url', url]),
    ).rejects.toMatchObject({ code: 'SCENARIO_FAILED' });
  });

  it('drives the terminal UI', async () => {
    const text = await run(
      ['reader', '--url', url, '--reader', 'hospital'],
      'card REGISTERED-0001\nvisual yes\n',
    );
    expect(text).toContain('✓ QualificationValidity 1');
  });
});
