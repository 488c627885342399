import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import { insertInstitutions } from './accounts.js';
import { changeCredential, CREDENTIAL_CHANGE_LEASE_MS } from './usage-applications.js';

const T0 = new Date('2021-10-20T01:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

/** Fails a promise that takes longer than `ms` (a deadlock would otherwise hang the suite). */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)),
  ]);

describeEachDatabase('credential changes', ({ handle }) => {
  let n = 0;
  const institution = async () => {
    n += 1;
    const institutionCode = `01300000${String(n).padStart(2, '0')}`;
    await insertInstitutions(handle(), [
      {
        institutionCode,
        name: '医院',
        facilityType: 'clinic',
        largeChain: false,
        prefecture: '01',
        createdAt: T0,
      },
    ]);
    return institutionCode;
  };

  it('calls eligibility-api outside any transaction: an upstream on the same database answers', async () => {
    // In the stack every app shares the embedded database's one connection: eligibility-api's
    // handler queries it while the portal waits for the answer. A transaction held across the
    // call deadlocked here.
    const code = await institution();
    let issued = 0;
    const upstream = {
      issue: async () => {
        await handle().db.selectFrom('portal.institutions').select('institution_code').execute();
        issued += 1;
        return { clientId: `c-${code}-${issued}` };
      },
      revoke: async () => {
        await handle().db.selectFrom('portal.credentials').select('client_id').execute();
      },
    };
    const first = await within(
      changeCredential(handle(), { kind: 'issue', institutionCode: code, at: T0 }, upstream),
      10_000,
    );
    expect(first).toEqual({ ok: true, issued: { clientId: `c-${code}-1` } });
    const rotated = await within(
      changeCredential(
        handle(),
        { kind: 'rotate', clientId: `c-${code}-1`, institutionCode: code, at: later(1000) },
        upstream,
      ),
      10_000,
    );
    expect(rotated).toEqual({ ok: true, issued: { clientId: `c-${code}-2` } });
    const rows = await handle()
      .db.selectFrom('portal.credentials')
      .select(['client_id', 'revoked_at'])
      .where('institution_code', '=', code)
      .orderBy('client_id')
      .execute();
    expect(rows.map((r) => [r.client_id, r.revoked_at !== null])).toEqual([
      [`c-${code}-1`, true],
      [`c-${code}-2`, false],
    ]);
  });

  it('issues once for a double submit, while the first is still at eligibility-api', async () => {
    const code = await institution();
    let issued = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const upstream = {
      issue: async () => {
        issued += 1;
        await gate;
        return { clientId: `d-${code}-${issued}` };
      },
      revoke: async () => undefined,
    };
    const first = changeCredential(
      handle(),
      { kind: 'issue', institutionCode: code, at: T0 },
      upstream,
    );
    await new Promise((r) => setTimeout(r, 50));
    const second = await changeCredential(
      handle(),
      { kind: 'issue', institutionCode: code, at: later(10) },
      upstream,
    );
    expect(second).toEqual({ ok: false, reason: 'in-progress' });
    release();
    expect(await first).toMatchObject({ ok: true });
    const third = await changeCredential(
      handle(),
      { kind: 'issue', institutionCode: code, at: later(20) },
      upstream,
    );
    expect(third).toEqual({ ok: false, reason: 'already-issued' });
    expect(issued).toBe(1);
  });

  it('releases the claim when eligibility-api fails, and lets a stale claim lapse', async () => {
    const code = await institution();
    const failing = {
      issue: async (): Promise<{ clientId: string }> => {
        throw new Error('down');
      },
      revoke: async () => undefined,
    };
    await expect(
      changeCredential(handle(), { kind: 'issue', institutionCode: code, at: T0 }, failing),
    ).rejects.toThrow('down');
    const working = {
      issue: async () => ({ clientId: `e-${code}` }),
      revoke: async () => undefined,
    };
    // A claim left behind (a killed process) blocks only for the lease.
    await handle()
      .db.insertInto('portal.credential_changes')
      .values({ institution_code: code, started_at: T0 })
      .execute();
    expect(
      await changeCredential(
        handle(),
        { kind: 'issue', institutionCode: code, at: later(1000) },
        working,
      ),
    ).toEqual({ ok: false, reason: 'in-progress' });
    expect(
      await changeCredential(
        handle(),
        { kind: 'issue', institutionCode: code, at: later(CREDENTIAL_CHANGE_LEASE_MS + 1) },
        working,
      ),
    ).toEqual({ ok: true, issued: { clientId: `e-${code}` } });
  });
});
