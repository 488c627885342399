import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  consumeEmailToken,
  DuplicateError,
  findSessionAccount,
  insertAccount,
  insertEmailToken,
  insertSession,
  registerInstitutionAccount,
} from './accounts.js';
import { funnelAt, funnelOverTime } from './campaign.js';
import { decideConsultation } from './consultations.js';
import {
  applyForReaders,
  cancelUndecidedApplication,
  changeReaderModel,
  createReaderApplication,
  listReaderApplications,
  listReaderApplicationEvents,
  listUndecidedApplications,
  markReminderSent,
} from './reader-applications.js';
import { listMail } from './mail.js';
import { approveUsageApplication, submitUsageApplication } from './usage-applications.js';

const T0 = new Date('2021-02-10T01:00:00Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);

describeEachDatabase('portal repositories', ({ handle }) => {
  it('registers an institution with its account once, and refuses a second account', async () => {
    const account = await registerInstitutionAccount(
      handle(),
      {
        institutionCode: '0110113719',
        name: 'シカク医院',
        facilityType: 'clinic',
        largeChain: false,
        prefecture: '01',
        createdAt: T0,
      },
      { email: 'a@example.jp', passwordHash: 'h', createdAt: T0 },
    );
    expect(account.role).toBe('institution');
    await expect(
      registerInstitutionAccount(
        handle(),
        {
          institutionCode: '0110113719',
          name: 'x',
          facilityType: 'clinic',
          largeChain: false,
          prefecture: '01',
          createdAt: T0,
        },
        { email: 'b@example.jp', passwordHash: 'h', createdAt: T0 },
      ),
    ).rejects.toEqual(new DuplicateError('institutionCode'));
  });

  it('finds a session only until it expires, and uses an email token once', async () => {
    const account = await registerInstitutionAccount(
      handle(),
      {
        institutionCode: '0130000004',
        name: '歯科',
        facilityType: 'dental-clinic',
        largeChain: false,
        prefecture: '01',
        createdAt: T0,
      },
      { email: 's@example.jp', passwordHash: 'h', createdAt: T0 },
    );
    await insertSession(handle(), {
      tokenHash: 'a'.repeat(64),
      accountId: account.id,
      createdAt: T0,
      expiresAt: hours(2),
    });
    expect((await findSessionAccount(handle(), 'a'.repeat(64), hours(1)))?.id).toBe(account.id);
    expect(await findSessionAccount(handle(), 'a'.repeat(64), hours(2))).toBeUndefined();

    await insertEmailToken(handle(), {
      tokenHash: 'b'.repeat(64),
      accountId: account.id,
      purpose: 'verify',
      expiresAt: hours(24),
    });
    expect(await consumeEmailToken(handle(), 'b'.repeat(64), 'reset', hours(1))).toBeUndefined();
    expect(await consumeEmailToken(handle(), 'b'.repeat(64), 'verify', hours(1))).toBe(account.id);
    expect(await consumeEmailToken(handle(), 'b'.repeat(64), 'verify', hours(1))).toBeUndefined();
  });

  it('keeps the history of a reader application and cancels only undecided ones', async () => {
    const decided = await createReaderApplication(handle(), {
      institutionCode: '0110113719',
      model: null,
      quantity: 1,
      at: T0,
      detail: 'd',
    });
    await changeReaderModel(handle(), {
      id: decided.id,
      model: 'M-1',
      actor: 'callcentre',
      at: hours(1),
      describe: (before) => `${before ?? '未定'} → M-1`,
    });
    expect(await cancelUndecidedApplication(handle(), decided.id, hours(2), 'deadline')).toBe(
      false,
    );

    const undecided = await createReaderApplication(handle(), {
      institutionCode: '0130000004',
      model: null,
      quantity: 1,
      consultationReason: '見積りが届かない',
      at: T0,
      detail: 'd',
    });
    const pending = await listUndecidedApplications(handle());
    expect(pending.map((p) => [p.id, p.email])).toEqual([[undecided.id, 's@example.jp']]);
    // Held while its consultation is open at the desk; cancelled once the desk declines.
    expect(await cancelUndecidedApplication(handle(), undecided.id, hours(2), 'deadline')).toBe(
      false,
    );
    const operator = await insertAccount(handle(), {
      email: 'desk@example.jp',
      passwordHash: 'h',
      role: 'operator',
      institutionCode: null,
      createdAt: T0,
    });
    const decisions = await Promise.all(
      [1, 2, 3].map(() =>
        decideConsultation(handle(), {
          applicationId: undecided.id,
          kind: 'decline',
          note: '見積りは期限内に届く見込み',
          accountId: operator.id,
          at: hours(2),
        }),
      ),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    expect(
      await cancelUndecidedApplication(handle(), undecided.id, hours(2), 'deadline', { own: null }),
    ).toBe(true);

    expect(
      (await listReaderApplicationEvents(handle(), decided.id)).map((e) => [
        e.kind,
        e.actor,
        e.detail,
      ]),
    ).toEqual([
      ['applied', 'institution', 'd'],
      ['model_changed', 'callcentre', '未定 → M-1'],
    ]);
    expect((await listReaderApplicationEvents(handle(), undecided.id)).map((e) => e.kind)).toEqual([
      'applied',
      'consultation',
      'consultation_declined',
      'cancelled',
    ]);
  });

  it('counts the funnel by the stage each institution had reached at a date', async () => {
    const operator = await insertAccount(handle(), {
      email: 'op@example.jp',
      passwordHash: 'h',
      role: 'operator',
      institutionCode: null,
      createdAt: T0,
    });
    const usage = await submitUsageApplication(handle(), '0110113719', hours(3));
    expect(usage).toBeDefined();
    expect(await submitUsageApplication(handle(), '0110113719', hours(3))).toBeUndefined();
    const approval = { id: usage?.id ?? 0, operatorId: operator.id, at: hours(4) };
    expect(await approveUsageApplication(handle(), approval)).toBe(true);
    expect(await approveUsageApplication(handle(), approval)).toBe(false);

    const stages = async (at: Date) =>
      Object.fromEntries((await funnelAt(handle(), at)).map((c) => [c.facilityType, c.stage]));
    // A cancelled application no longer counts, also for the dates before its cancellation.
    expect(await stages(hours(1))).toEqual({ clinic: 'applied', 'dental-clinic': 'not_applied' });
    expect(await stages(hours(3))).toEqual({ clinic: 'preparing', 'dental-clinic': 'not_applied' });
    expect(await stages(hours(4))).toEqual({ clinic: 'operating', 'dental-clinic': 'not_applied' });

    // One scan over all dates gives funnelAt's totals at each date, ties at milestones included.
    const dates = [-1, 0, 1, 2.5, 3, 3.5, 4, 5].map(hours);
    const totals = async (at: Date) => {
      const t = { not_applied: 0, applied: 0, preparing: 0, operating: 0 };
      for (const c of await funnelAt(handle(), at)) t[c.stage] += c.count;
      return t;
    };
    const expected = [];
    for (const d of dates) expected.push(await totals(d));
    expect(await funnelOverTime(handle(), dates)).toEqual(expected);
    expect(expected[0]).toEqual({ not_applied: 0, applied: 0, preparing: 0, operating: 0 });
  });

  // Last: the funnel above counts every institution of this database.
  it('holds a quota of one when ten applications of one clinic arrive at once', async () => {
    const code = '2712345678';
    await registerInstitutionAccount(
      handle(),
      {
        institutionCode: code,
        name: '同時申込医院',
        facilityType: 'clinic',
        largeChain: false,
        prefecture: '27',
        createdAt: T0,
      },
      { email: 'concurrent@example.jp', passwordHash: 'h', createdAt: T0 },
    );
    const QUOTA = 1;
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        applyForReaders(handle(), code, (existing) =>
          existing.reduce((sum, a) => sum + a.quantity, 0) + 1 > QUOTA
            ? { ok: false as const, refusal: 'READER_QUOTA_EXCEEDED' }
            : {
                ok: true as const,
                application: { model: 'panasonic', quantity: 1, at: hours(i), detail: `#${i}` },
              },
        ),
      ),
    );
    expect(attempts.filter((a) => a.ok)).toHaveLength(1);
    expect(attempts.filter((a) => !a.ok && a.refusal === 'READER_QUOTA_EXCEEDED')).toHaveLength(9);
    expect(await listReaderApplications(handle(), code)).toHaveLength(1);
  });

  // Last: its applications would change the earlier tests' lists and funnel.
  it('commits a deadline cancellation or reminder and its mail together, or neither', async () => {
    const reader = () =>
      createReaderApplication(handle(), {
        institutionCode: '0110113719',
        model: null,
        quantity: 1,
        at: T0,
        detail: 'd',
      });
    const cancelled = await reader();
    const reminded = await reader();
    // A mail PostgreSQL refuses (a NUL character) fails the insert, and the change with it.
    const refused = [{ to: 'x@example.jp', subject: 's', body: 'bad\u0000' }];
    const mail = (body: string) => [{ to: 'x@example.jp', subject: 's', body }];
    await expect(
      cancelUndecidedApplication(handle(), cancelled.id, hours(2), 'deadline', undefined, refused),
    ).rejects.toThrow();
    await expect(markReminderSent(handle(), reminded.id, hours(2), refused)).rejects.toThrow();
    expect((await listUndecidedApplications(handle())).map((a) => a.id)).toEqual(
      expect.arrayContaining([cancelled.id, reminded.id]),
    );
    expect(await listMail(handle(), { to: 'x@example.jp' })).toEqual([]);
    // Retried, each commits once with its one mail; a second run changes and sends nothing.
    for (let run = 0; run < 2; run++) {
      await cancelUndecidedApplication(
        handle(),
        cancelled.id,
        hours(2),
        'deadline',
        undefined,
        mail('cancelled'),
      );
      await markReminderSent(handle(), reminded.id, hours(2), mail('reminder'));
    }
    expect((await listMail(handle(), { to: 'x@example.jp' })).map((m) => m.body).sort()).toEqual([
      'cancelled',
      'reminder',
    ]);
  });
});
