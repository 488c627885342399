import type { SubsidyApplication } from '@shikaku/db/portal/subsidy-applications';
import { describe, expect, it } from 'vitest';
import { admitSubsidyApplication } from './admission.js';

const live = [{ id: 7 } as SubsidyApplication];

describe('admitSubsidyApplication', () => {
  it('points a second application at the facility’s existing one', () => {
    expect(admitSubsidyApplication({ live, readersApplied: 3 }, 3)).toEqual({
      code: 'DUPLICATE',
      existingId: 7,
    });
  });
  it('refuses a facility with no reader applied for, and readers beyond those applied for', () => {
    expect(admitSubsidyApplication({ live: [], readersApplied: 0 }, 1)).toEqual({
      code: 'NO_READER_APPLICATION',
    });
    expect(admitSubsidyApplication({ live: [], readersApplied: 2 }, 3)).toEqual({
      code: 'READERS_NOT_APPLIED',
      applied: 2,
    });
    expect(admitSubsidyApplication({ live: [], readersApplied: 2 }, 2)).toBeUndefined();
  });
});
