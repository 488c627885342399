import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@shikaku/platform/logger';
import { buildApp } from '@shikaku/reader-emulator/app';
import {
  type EmulatorFixture,
  startEmulatorFixture,
} from '@shikaku/reader-emulator/testing/emulator-fixture';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command.js';
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

  const run = (args: string[], input = '') => runCommand(registerReaderCommand, args, input);

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
    // A card that is placed shows the PIN screen, not the consents it expects.
    const dir = await mkdtemp(join(tmpdir(), 'reader-scenario-'));
    const file = join(dir, 'wrong.yaml');
    await writeFile(
      file,
      'name: expects the wrong screen\nreader: clinic\nsteps:\n' +
        "  - place: { certificateSerial: REGISTERED-0001, pin: '1234' }\n" +
        '  - expect: { step: consents }\n',
    );
    try {
      await expect(run(['reader', 'run', file, '--url', url])).rejects.toMatchObject({
        code: 'SCENARIO_FAILED',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drives the terminal UI', async () => {
    const text = await run(
      ['reader', '--url', url, '--reader', 'hospital'],
      'card REGISTERED-0001\nvisual yes\n',
    );
    expect(text).toContain('✓ QualificationValidity 1');
  });
});
