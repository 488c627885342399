import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import { registerInstitutionAccount } from './accounts.js';
import { cancelUndecidedApplication, createReaderApplication } from './reader-applications.js';
import {
  applyForSubsidy,
  createSubsidyApplication,
  decideSubsidyApplication,
  listSubsidyApplications,
  type SubsidyStanding,
  submitSubsidyApplication,
  withdrawSubsidyApplication,
} from './subsidy-applications.js';

const T0 = new Date('2021-09-01T01:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** The rule the portal passes (apps/portal/src/subsidy/admission.ts), restated for the repository. */
function admit(readers: number) {
  return (standing: SubsidyStanding) => {
    if (standing.live[0]) return `DUPLICATE:${standing.live[0].id}`;
    if (standing.readersApplied === 0) return 'NO_READER_APPLICATION';
    if (readers > standing.readersApplied) return 'READERS_NOT_APPLIED';
    return undefined;
  };
}

describeEachDatabase('subsidy applications: one per facility', ({ handle }) => {
  async function hospital(code: string, readers: number) {
    await registerInstitutionAccount(
      handle(),
      {
        institutionCode: code,
        name: '補助金病院',
        facilityType: 'hospital',
        largeChain: false,
        prefecture: '13',
        createdAt: T0,
      },
      { email: `${code}@example.jp`, passwordHash: 'h', createdAt: T0 },
    );
    if (readers > 0) {
      await createReaderApplication(handle(), {
        institutionCode: code,
        model: 'panasonic',
        quantity: readers,
        at: T0,
        detail: 'd',
      });
    }
  }
  const application = (code: string, readers: number, minute = 0) => ({
    institutionCode: code,
    projectCost: 2_500_000,
    readers,
    subsidyAmount: 951_000,
    at: at(minute),
  });

  it('records one of ten identical applications filed at once; nine are pointed at it', async () => {
    await hospital('1310000011', 3);
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        applyForSubsidy(handle(), application('1310000011', 3, i), admit(3)),
      ),
    );
    const recorded = attempts.flatMap((a) => (a.ok ? [a.application] : []));
    expect(recorded).toHaveLength(1);
    expect(
      attempts.filter((a) => !a.ok && a.refusal === `DUPLICATE:${recorded[0]?.id}`),
    ).toHaveLength(9);
    expect(await listSubsidyApplications(handle(), { institutionCode: '1310000011' })).toHaveLength(
      1,
    );
  });

  it('the database itself refuses a second live application of a facility', async () => {
    await expect(createSubsidyApplication(handle(), application('1310000011', 3))).rejects.toThrow(
      /subsidy_applications_one_per_facility|unique/i,
    );
  });

  it('claims only readers applied for and not cancelled', async () => {
    await hospital('1310000029', 0);
    expect(await applyForSubsidy(handle(), application('1310000029', 1), admit(1))).toEqual({
      ok: false,
      refusal: 'NO_READER_APPLICATION',
    });
    const undecided = await createReaderApplication(handle(), {
      institutionCode: '1310000029',
      model: null,
      quantity: 2,
      at: T0,
      detail: 'd',
    });
    expect(await applyForSubsidy(handle(), application('1310000029', 3), admit(3))).toEqual({
      ok: false,
      refusal: 'READERS_NOT_APPLIED',
    });
    await cancelUndecidedApplication(handle(), undecided.id, at(1), 'deadline');
    expect(await applyForSubsidy(handle(), application('1310000029', 1), admit(1))).toEqual({
      ok: false,
      refusal: 'NO_READER_APPLICATION',
    });
  });

  it('approves once when ten operators approve at once, and a withdrawn one frees the slot', async () => {
    await hospital('1310000037', 2);
    const filed = await applyForSubsidy(handle(), application('1310000037', 2), admit(2));
    if (!filed.ok) throw new Error('not filed');
    const id = filed.application.id;
    expect(await submitSubsidyApplication(handle(), id, at(1))).toBe(true);
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        decideSubsidyApplication(handle(), { id, status: 'approved', note: `#${i}`, at: at(2) }),
      ),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    expect(decisions.filter((d) => !d.ok && d.reason === 'already-decided')).toHaveLength(9);
    // An approved application is not withdrawn, and keeps holding the slot.
    expect(await withdrawSubsidyApplication(handle(), id, at(3))).toBe(false);
    expect((await applyForSubsidy(handle(), application('1310000037', 2), admit(2))).ok).toBe(
      false,
    );
  });

  it('does not approve when the readers claimed were cancelled after submission', async () => {
    await hospital('1310000045', 0);
    const reader = await createReaderApplication(handle(), {
      institutionCode: '1310000045',
      model: null,
      quantity: 1,
      at: T0,
      detail: 'd',
    });
    const filed = await applyForSubsidy(handle(), application('1310000045', 1), admit(1));
    if (!filed.ok) throw new Error('not filed');
    await submitSubsidyApplication(handle(), filed.application.id, at(1));
    await cancelUndecidedApplication(handle(), reader.id, at(2), 'deadline');
    expect(
      await decideSubsidyApplication(handle(), {
        id: filed.application.id,
        status: 'approved',
        note: '',
        at: at(3),
      }),
    ).toEqual({ ok: false, reason: 'readers-not-applied' });
    const rejected = await decideSubsidyApplication(handle(), {
      id: filed.application.id,
      status: 'rejected',
      note: 'カードリーダーの申込が取り消されています',
      at: at(3),
    });
    expect(rejected.ok && rejected.application.status).toBe('rejected');
  });
});
