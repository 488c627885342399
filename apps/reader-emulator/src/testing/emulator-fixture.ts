import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '@shikaku/core/clock';
import { type CardStore, memoryCardStore } from '../card-store.js';
import type { ReaderConfig } from '../config.js';
import { createEmulator, type Emulator } from '../emulator.js';
import {
  FAKE_CREDENTIALS,
  FAKE_INSTITUTION,
  type FakeEligibility,
  startFakeEligibility,
} from './fake-eligibility.js';

/** Three readers (clinic, pharmacy, hospital) against a fake eligibility-api, in a temp folder. */
export interface EmulatorFixture {
  fake: FakeEligibility;
  emulator: Emulator;
  cards: CardStore;
  dir: string;
  configs: ReaderConfig[];
  close(): Promise<void>;
}

export const FIXTURE_NOW = new Date('2021-10-20T00:30:00Z');

export async function startEmulatorFixture(): Promise<EmulatorFixture> {
  const fake = await startFakeEligibility();
  for (const serial of ['REGISTERED-0001', 'REGISTERED-0002', 'REGISTERED-0003', 'REGISTERED-0004'])
    fake.cards.set(serial, 'registered');
  fake.cards.set('NEW-0001', 'unregistered');
  fake.cards.set('NEW-0002', 'unregistered');
  fake.cards.set('REVOKED-0001', 'revoked');
  const dir = await mkdtemp(join(tmpdir(), 'reader-emulator-'));
  const reader = (
    id: string,
    modelId: string,
    enabledConsents: ReaderConfig['enabledConsents'],
  ) => ({
    id,
    modelId,
    institutionCode: FAKE_INSTITUTION,
    enabledConsents,
    ...FAKE_CREDENTIALS,
    requestDir: join(dir, id, 'requests'),
    responseDir: join(dir, id, 'responses'),
  });
  const configs: ReaderConfig[] = [
    reader('clinic', 'panasonic', [
      'specificHealthCheckups',
      'pharmacists',
      'diagnosis',
      'operations',
      'limitApplicationCertificate',
    ]),
    reader('pharmacy', 'almex', ['pharmacists']),
    reader('hospital', 'fujitsu', []),
  ];
  const cards = memoryCardStore();
  const emulator = createEmulator(configs, {
    cards,
    clock: fixedClock(FIXTURE_NOW),
    eligibilityUrl: fake.url,
    pollMs: 1_000,
    settleMs: 0,
  });
  return {
    fake,
    emulator,
    cards,
    dir,
    configs,
    close: async () => {
      await emulator.stop();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
