import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ERROR_MODEL,
  ErrorModelError,
  cloneErrorModel,
  mergeErrorModel,
  mechanismShares,
  setRate,
} from './error-model.js';

describe('error model', () => {
  it('sets a rate for every insurer type, one type, a mechanism or a global', () => {
    const m = cloneErrorModel(DEFAULT_ERROR_MODEL);
    setRate(m, 'error', 0.01);
    setRate(m, 'kokuho.error', 0.002);
    setRate(m, 'mechanisms.typo', 0);
    setRate(m, 'typoHitsPerson', 0.5);
    expect(m.byInsurerType.kyokai.error).toBe(0.01);
    expect(m.byInsurerType.kokuho.error).toBe(0.002);
    expect(mechanismShares(m)[0]).toBe(0);
    expect(m.typoHitsPerson).toBe(0.5);
    expect(DEFAULT_ERROR_MODEL.byInsurerType.kyokai.error).toBe(4e-4);
  });

  it('lays a model file over the defaults and refuses what it does not know', () => {
    const m = mergeErrorModel(DEFAULT_ERROR_MODEL, {
      byInsurerType: { koki: { marriage: 0 } },
      mechanisms: { 'four-fact-lookup': 0.5 },
    });
    expect(m.byInsurerType.koki.marriage).toBe(0);
    expect(m.mechanisms['four-fact-lookup']).toBe(0.5);
    expect(() => mergeErrorModel(DEFAULT_ERROR_MODEL, { rates: {} })).toThrow(ErrorModelError);
    expect(() => setRate(cloneErrorModel(DEFAULT_ERROR_MODEL), 'error', 2)).toThrow(/0 to 1/);
    expect(() => setRate(cloneErrorModel(DEFAULT_ERROR_MODEL), 'kokuho.nope', 0)).toThrow(
      /unknown rate/,
    );
  });
});
