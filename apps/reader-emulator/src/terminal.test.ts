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
    // The pharmacy's model has no PIN pad: the PIN is typed on the terminal, and the screen says so.
    expect(text).toContain('受付の資格確認端末で入力します');
    expect(text).toContain(
      '! PIN_MISMATCH: 暗証番号が違います。あと2回間違えると、カードがロックされます',
    );
    expect(text).toContain('┃   過去のお薬の情報を当機関に提供することに同意しますか');
    expect(text).toContain('同意画面: pharmacists');
    expect(text).toContain('┃ 受付が完了しました');
    expect(text).toContain('✓ QualificationValidity 1');
    expect(text).toContain('全国健康保険協会 北海道支部 01130012 負担割合 030');
    expect(fixture.emulator.readers.get('pharmacy')!.state.step).toBe('idle');
  });

  it('prints the usage of card without a serial, and places nothing', async () => {
    const text = await session('clinic', ['card', 'quit']);
    expect(text).toContain('使い方: card <証明書シリアル番号> [暗証番号]');
    expect(fixture.emulator.readers.get('clinic')!.state.step).toBe('idle');
  });

  it('refuses a PIN on the device of a model without a pad, and unlocks a locked card', async () => {
    const text = await session('pharmacy', [
      'card REGISTERED-0002 4321',
      'pin 4321 device',
      'remove',
      'use clinic',
      'card REGISTERED-0004 4321',
      'pin 0000',
      'pin 0000',
      'pin 0000',
      'remove',
      'card REGISTERED-0004',
      'remove',
      'unlock',
      'unlock REGISTERED-0004 5678',
      'card REGISTERED-0004',
      'pin 5678',
      'quit',
    ]);
    expect(text).toContain(
      'エラー: METHOD_NOT_SUPPORTED: この機種には暗証番号の入力装置がありません',
    );
    expect(text).toContain('✗ CARD_LOCKED: 暗証番号を3回間違えたため、カードがロックされました');
    expect(text).toContain('✗ CARD_LOCKED: このカードはロックされています');
    expect(text).toContain('使い方: unlock <証明書シリアル番号>');
    expect(text).toContain('カード REGISTERED-0004 のロックを解除しました（暗証番号の残り回数 3）');
    expect(fixture.emulator.readers.get('clinic')!.state.step).toBe('consents');
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
    expect(text).toContain('エラー: VALIDATION_FAILED');
    expect(text).toContain('エラー: INVALID_STEP: 「待機中」の画面では、顔認証はできません');
    expect(text).toContain('dance というコマンドはありません');
    expect(text).toContain('clinic: ');
    expect(text).toContain('pharmacy: ');
  });
});
