import { describe, expect, it } from 'vitest';
import {
  canChooseModel,
  checkReaderApplication,
  FREE_READER_QUOTA,
  MODEL_SELECTION_DEADLINE,
  READER_MODELS,
  readerApplicationStatus,
} from './card-readers.js';
import { FACILITY_TYPES } from './facility.js';

describe('free reader quota', () => {
  it.each([
    ['hospital', 3, 'ok'],
    ['hospital', 4, 'READER_QUOTA_EXCEEDED'],
    ['clinic', 1, 'ok'],
    ['clinic', 2, 'READER_QUOTA_EXCEEDED'],
    ['dental-clinic', 2, 'READER_QUOTA_EXCEEDED'],
    ['pharmacy', 1, 'ok'],
    ['large-chain-pharmacy', 1, 'ok'],
    ['large-chain-pharmacy', 2, 'READER_QUOTA_EXCEEDED'],
    ['hospital', 0, 'INVALID_READER_COUNT'],
    ['hospital', 1.5, 'INVALID_READER_COUNT'],
  ] as const)('%s asking for %s → %s', (facilityType, units, expected) => {
    const result = checkReaderApplication({
      facilityType,
      units,
      model: 'fujitsu',
      appliedOn: '2021-05-10',
    });
    if (expected === 'ok') expect(result).toEqual({ ok: true, model: 'fujitsu' });
    else expect(result).toMatchObject({ ok: false, code: expected, field: 'units' });
  });

  it('every facility type has a quota', () => {
    for (const t of FACILITY_TYPES) expect(FREE_READER_QUOTA[t]).toBeGreaterThanOrEqual(1);
    expect(READER_MODELS).toHaveLength(4);
  });
});

describe('「機種未定」 window', () => {
  it.each([
    ['2021-01-31', false],
    ['2021-02-01', true],
    ['2021-03-31', true],
    ['2021-04-01', false],
  ])('undecided applied on %s accepted=%s', (appliedOn, accepted) => {
    const result = checkReaderApplication({
      facilityType: 'clinic',
      units: 1,
      model: 'undecided',
      appliedOn,
    });
    if (accepted) expect(result).toEqual({ ok: true, model: 'undecided' });
    else {
      expect(result).toMatchObject({
        ok: false,
        code: 'MODEL_UNDECIDED_NOT_ACCEPTED',
        field: 'model',
      });
    }
  });

  it('an unknown model is refused', () => {
    expect(
      checkReaderApplication({
        facilityType: 'clinic',
        units: 1,
        model: 'acme',
        appliedOn: '2021-04-01',
      }),
    ).toMatchObject({ ok: false, code: 'UNKNOWN_READER_MODEL' });
  });
});

describe('model selection deadline (2021-08-01 inclusive, JST)', () => {
  it.each([
    ['2021-06-30', 'awaiting-model'],
    ['2021-07-01', 'awaiting-model'],
    ['2021-08-01', 'awaiting-model'],
    ['2021-08-02', 'cancelled'],
  ])('undecided on %s → %s', (asOf, status) => {
    expect(readerApplicationStatus('undecided', asOf)).toBe(status);
    expect(canChooseModel('undecided', asOf)).toBe(status !== 'cancelled');
  });

  it('under the original deadline it would have been cancelled on 2021-07-01', () => {
    expect(
      readerApplicationStatus('undecided', '2021-07-01', MODEL_SELECTION_DEADLINE.original),
    ).toBe('cancelled');
  });

  it('a chosen model is never cancelled', () => {
    expect(readerApplicationStatus('panasonic', '2022-01-01')).toBe('model-chosen');
  });
});
