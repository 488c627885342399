import { describe, expect, it } from 'vitest';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { SEED_POLICY } from '@shikaku/core/mis-entry';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { classifyBatch } from './classify.js';
import { validateRegistration } from './validate.js';

const INSURER = insurerNumberFromBody('0113999');

/** `count` valid new members of one batch. */
function batch(count: number, from: number) {
  return Array.from({ length: count }, (_, i) => {
    const result = validateRegistration(
      {
        myNumber: myNumberFromBody(String(40_000_000_000 + from + i)),
        cardSymbol: 'B1',
        cardNumber: `N${from + i}`,
        name: '資格 太郎',
        nameKana: 'シカク タロウ',
        birthDate: '1980-01-02',
        sex: '1',
        address: '東京都',
        qualificationDate: '2021-07-15',
      },
      INSURER,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return { value: result.value, line: i + 2 };
  });
}

const context = {
  registeredOn: '2021-07-15',
  policy: SEED_POLICY,
  personRefSecret: 'test-secret',
  sourceHash: null,
};

describe('classifyBatch', () => {
  it("gives a batch's registrations unique, ascending UUIDv7 ids, one run per batch", () => {
    const first = classifyBatch(batch(500, 0), new Map(), context).map(
      (c) => c.write.qualificationId,
    );
    const second = classifyBatch(batch(500, 500), new Map(), context).map(
      (c) => c.write.qualificationId,
    );
    for (const ids of [first, second]) {
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    }
    // All of one batch sorts before or after all of the other. (That batches made at once on
    // two threads do not interleave follows from each starting at a random sequence; one thread
    // cannot show it.)
    const all = [...first, ...second].sort();
    const firstSet = new Set(first);
    const runs = all.filter((id, i) => i > 0 && firstSet.has(id) !== firstSet.has(all[i - 1]!));
    expect(runs).toHaveLength(1);
  });
});
