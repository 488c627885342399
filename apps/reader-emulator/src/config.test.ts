import { describe, expect, it } from 'vitest';
import { readReaderEmulatorConfig } from './config.js';

const base = {
  READER_CLIENT_ID: 'id',
  READER_CLIENT_SECRET: 'secret',
  READER_INSTITUTION_CODE: '0110113719',
  READER_DATA_DIR: '/tmp/reader',
};

describe('reader emulator config', () => {
  it('reads one reader with its folders under the data dir', () => {
    const config = readReaderEmulatorConfig({ ...base, READER_CONSENTS: 'pharmacists' });
    expect(config.port).toBe(7304);
    expect(config.readers[0]).toMatchObject({
      id: 'reader-1',
      modelId: 'panasonic',
      enabledConsents: ['pharmacists'],
      requestDir: '/tmp/reader/reader-1/requests',
      responseDir: '/tmp/reader/reader-1/responses',
    });
    expect(config.cardsFile).toBe('/tmp/reader/cards.json');
  });

  it('names the variable that is wrong', () => {
    expect(() => readReaderEmulatorConfig({ ...base, READER_MODEL: 'x' })).toThrow(/READER_MODEL/);
    expect(() => readReaderEmulatorConfig({ ...base, READER_CLIENT_ID: '' })).toThrow(
      /READER_CLIENT_ID/,
    );
    expect(() => readReaderEmulatorConfig({ ...base, READER_INSTITUTION_CODE: '123' })).toThrow(
      /READER_INSTITUTION_CODE/,
    );
    expect(() => readReaderEmulatorConfig({ ...base, READER_FACE_THRESHOLD: '1.5' })).toThrow(
      /READER_FACE_THRESHOLD/,
    );
    expect(() => readReaderEmulatorConfig({ ...base, READER_CONSENTS: 'gossip' })).toThrow(
      /READER_CONSENTS/,
    );
    expect(() => readReaderEmulatorConfig({ ...base, READER_PORT: 'abc' })).toThrow(/READER_PORT/);
  });
});
