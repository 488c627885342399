import { PassThrough } from 'node:stream';
import { createLogger } from '@shikaku/platform/logger';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { runTerminal } from './terminal.js';
import { type EmulatorFixture, startEmulatorFixture } from './testing/emulator-fixture.js';

describe('terminal UI', () => {
  let fixture: EmulatorFixture;
  let app: FastifyInstance;
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

  async function session(reader: string, commands: string[]): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => (text += String(chunk)));
    input.end(`${commands.join('\n')}\n`);
    await runTerminal({ url, reader, input, output });
    return text;
  }

  it('walks a card through PIN, consents and the result', async () => {
    const text = await session('pharmacy', [
      'card REGISTERED-0001 4321',
      'pin 1111',
      'pin 4321',
      'consent pharmacists=yes',
      'remove',
      'quit',
    ]);
    expect(text).toContain('[pharmacy] アルメックス');
    expect(text).toContain('! PIN_MISMATCH: wrong PIN; 2 tries left before the card locks');
    expect(text).toContain('consent screens: pharmacists');
    expect(text).toContain('✓ QualificationValidity 1');
    expect(text).toContain('全国健康保険協会 北海道支部 01130012 copay 030');
    expect(fixture.emulator.readers.get('pharmacy')!.state.step).toBe('idle');
  });

  it('prints the usage of card without a serial, and places nothing', async () => {
    const text = await session('clinic', ['card', 'quit']);
    expect(text).toContain('使い方: card <証明書シリアル番号> [暗証番号]');
    expect(fixture.emulator.readers.get('clinic')!.state.step).toBe('idle');
  });

  it('prints errors and goes on, and ends with the input', async () => {
    const text = await session('clinic', [
      'face 0.9',
      'dance',
      'threshold 0.9',
      'screens none',
      'threshold 7',
      'use pharmacy',
      'readers',
    ]);
    expect(fixture.emulator.readers.get('clinic')!.settings).toMatchObject({
      faceThreshold: 0.9,
      enabledConsents: [],
    });
    expect(text).toContain('error: VALIDATION_FAILED');
    expect(text).toContain('error: INVALID_STEP: face is not possible while idle');
    expect(text).toContain('unknown command dance; type help');
    expect(text).toContain('clinic: ');
    expect(text).toContain('pharmacy: ');
  });
});
