import { fixedClock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { upsertCertificates, upsertResidents } from '@shikaku/db/jlis/residents';
import type { JlisConfig } from '../config.js';

/** The J-LIS tests' config: explicit keys, no faults, no card issuing secret unless given. */
export const TEST_CONFIG: JlisConfig = {
  host: '127.0.0.1',
  port: 0,
  databaseUrl: undefined,
  logLevel: 'silent',
  serviceKey: 'svc',
  controlKey: 'ctl',
  faults: { latencyMs: 0, errorRate: 0, down: false },
};

export const TEST_CLOCK = fixedClock(new Date('2021-07-15T00:00:00Z'));

export const HANAKO = {
  myNumber: '123456789018',
  name: '資格 花子',
  nameKana: 'シカク ハナコ',
  birthDate: '1989-09-13',
  sex: '2' as const,
  address: '東京都千代田区霞が関1-2-2',
};

/** Hanako and her valid card certificate `serial`. */
export async function seedHanako(handle: DatabaseHandle, serial: string): Promise<void> {
  await upsertResidents(handle, [HANAKO]);
  await upsertCertificates(
    handle,
    [{ serial, myNumber: HANAKO.myNumber, status: 'valid' }],
    TEST_CLOCK.now(),
  );
}
