// Each state change that mails the facility queues its mail in its own transaction: the mail row
// exists if and only if the change committed. Proven both ways for every such change: a retried
// (double-submitted) change changes nothing and mails nothing more, and a mail that cannot be
// written (a NOT NULL violation, standing in for a crash between the two writes) leaves the state
// unchanged.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  findAccountByEmail,
  insertAccount,
  insertEmailToken,
  registerInstitutionAccount,
  consumeEmailToken,
} from './accounts.js';
import {
  decideConsultation,
  listConsultationMessages,
  replyToConsultation,
} from './consultations.js';
import { listMail, listNotices, insertNotice, type NewMail } from './mail.js';
import {
  createReaderApplication,
  findReaderApplication,
  setConsultation,
} from './reader-applications.js';
import {
  createSubsidyApplication,
  decideSubsidyApplication,
  findSubsidyApplication,
  submitSubsidyApplication,
} from './subsidy-applications.js';
import {
  approveUsageApplication,
  findUsageApplication,
  rejectUsageApplication,
  submitUsageApplication,
} from './usage-applications.js';

const T0 = new Date('2021-03-20T01:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
/** A mail the outbox refuses (to_address is NOT NULL): the write after the change fails. */
const BROKEN: NewMail = { to: null as unknown as string, subject: 's', body: 'b' };
const mail = (to: string, subject: string): NewMail => ({ to, subject, body: subject });

describeEachDatabase('a state change and its mail in one transaction', ({ handle }) => {
  let n = 0;
  /** A fresh institution with an account; answers its code and address. */
  async function facility(): Promise<{ code: string; email: string }> {
    n++;
    // 01 (Hokkaido), 点数表 1, body; the check digit is not validated at this layer.
    const code = `011${String(n).padStart(6, '0')}0`;
    const email = `mail-${n}@example.jp`;
    await registerInstitutionAccount(
      handle(),
      {
        institutionCode: code,
        name: `施設${n}`,
        facilityType: 'hospital',
        largeChain: false,
        prefecture: '01',
        createdAt: T0,
      },
      { email, passwordHash: 'h', createdAt: T0, emailVerifiedAt: T0 },
    );
    return { code, email };
  }
  let operatorId = 0;
  const operator = async () =>
    (operatorId ||= (
      await insertAccount(handle(), {
        email: 'mail-op@example.jp',
        passwordHash: 'h',
        role: 'operator',
        institutionCode: null,
        createdAt: T0,
      })
    ).id);
  const mails = async (to: string) => (await listMail(handle(), { to })).map((m) => m.subject);

  it('usage approval: mailed once, a retry mails nothing, a failed mail leaves it submitted', async () => {
    const { code, email } = await facility();
    const application = await submitUsageApplication(handle(), code, T0);
    const id = application?.id ?? 0;
    const op = await operator();
    await expect(
      approveUsageApplication(handle(), { id, operatorId: op, at: at(1), mails: [BROKEN] }),
    ).rejects.toThrow();
    expect((await findUsageApplication(handle(), id))?.status).toBe('submitted');
    expect(await mails(email)).toEqual([]);
    const approve = () =>
      approveUsageApplication(handle(), {
        id,
        operatorId: op,
        at: at(2),
        mails: [mail(email, 'approved')],
      });
    expect(await approve()).toBe(true);
    expect(await approve()).toBe(false);
    expect((await findUsageApplication(handle(), id))?.status).toBe('approved');
    expect(await mails(email)).toEqual(['approved']);
  });

  it('usage rejection: mailed once with the reason, a retry mails nothing, a failed mail rejects nothing', async () => {
    const { code, email } = await facility();
    const id = (await submitUsageApplication(handle(), code, T0))?.id ?? 0;
    const op = await operator();
    const reject = (mailed: NewMail[]) =>
      rejectUsageApplication(handle(), {
        id,
        operatorId: op,
        reason: '名称が一致しません',
        at: at(1),
        mails: mailed,
      });
    await expect(reject([BROKEN])).rejects.toThrow();
    expect((await findUsageApplication(handle(), id))?.status).toBe('submitted');
    expect(await reject([mail(email, 'rejected')])).toBe(true);
    expect(await reject([mail(email, 'rejected')])).toBe(false);
    expect((await findUsageApplication(handle(), id))?.decision_reason).toBe('名称が一致しません');
    expect(await mails(email)).toEqual(['rejected']);
  });

  it('subsidy decision: mailed once, a retry mails nothing, a failed mail leaves it submitted', async () => {
    const { code, email } = await facility();
    await createReaderApplication(handle(), {
      institutionCode: code,
      model: 'M-1',
      quantity: 1,
      at: T0,
      detail: 'd',
    });
    const application = await createSubsidyApplication(handle(), {
      institutionCode: code,
      projectCost: 1_000_000,
      readers: 1,
      subsidyAmount: 500_000,
      at: T0,
    });
    await submitSubsidyApplication(handle(), application.id, at(1));
    const op = await operator();
    const decide = (mailed: NewMail[]) =>
      decideSubsidyApplication(handle(), {
        id: application.id,
        status: 'approved',
        note: '',
        at: at(2),
        operatorId: op,
        mails: mailed,
      });
    await expect(decide([BROKEN])).rejects.toThrow();
    expect((await findSubsidyApplication(handle(), application.id))?.status).toBe('submitted');
    expect((await decide([mail(email, 'subsidy approved')])).ok).toBe(true);
    expect(await decide([mail(email, 'subsidy approved')])).toEqual({
      ok: false,
      reason: 'already-decided',
    });
    expect(await mails(email)).toEqual(['subsidy approved']);
  });

  it('desk reply and decision: each mailed once; a failed mail writes neither the reply nor the decision', async () => {
    const { code, email } = await facility();
    const application = await createReaderApplication(handle(), {
      institutionCode: code,
      model: null,
      quantity: 1,
      at: T0,
      detail: 'd',
    });
    await setConsultation(handle(), {
      id: application.id,
      reason: '見積りが届いていない',
      actor: 'institution',
      at: at(1),
    });
    const op = await operator();
    const replyWith = (mailed: NewMail[]) =>
      replyToConsultation(handle(), {
        applicationId: application.id,
        author: 'operator',
        accountId: op,
        body: '依頼日を教えてください',
        at: at(2),
        mails: mailed,
      });
    await expect(replyWith([BROKEN])).rejects.toThrow();
    expect(await listConsultationMessages(handle(), application.id)).toHaveLength(1);
    expect(await replyWith([mail(email, 'reply')])).toBe(true);
    expect(await listConsultationMessages(handle(), application.id)).toHaveLength(2);

    const decide = (mailed: NewMail[]) =>
      decideConsultation(handle(), {
        kind: 'extend',
        until: '2021-08-31',
        note: '',
        applicationId: application.id,
        accountId: op,
        at: at(3),
        mails: mailed,
      });
    await expect(decide([BROKEN])).rejects.toThrow();
    const held = await findReaderApplication(handle(), application.id);
    expect([held?.consultation_status, held?.model_deadline]).toEqual(['open', null]);
    expect((await decide([mail(email, 'extended')])).ok).toBe(true);
    expect((await decide([mail(email, 'extended')])).ok).toBe(false);
    expect((await findReaderApplication(handle(), application.id))?.model_deadline).toBe(
      '2021-08-31',
    );
    expect(await mails(email)).toEqual(['extended', 'reply']);
  });

  it('sign-up and password reset: the account and token exist only with their mail', async () => {
    n++;
    const email = `signup-${n}@example.jp`;
    const institution = {
      institutionCode: `013${String(n).padStart(6, '0')}0`,
      name: '新規歯科',
      facilityType: 'dental-clinic' as const,
      largeChain: false,
      prefecture: '01',
      createdAt: T0,
    };
    const verification = (mailed: NewMail[]) => ({
      tokenHash: `v${n}`.padEnd(64, '0'),
      purpose: 'verify' as const,
      expiresAt: at(24),
      mails: mailed,
    });
    await expect(
      registerInstitutionAccount(
        handle(),
        institution,
        { email, passwordHash: 'h', createdAt: T0 },
        verification([BROKEN]),
      ),
    ).rejects.toThrow();
    expect(await findAccountByEmail(handle(), email)).toBeUndefined();
    const account = await registerInstitutionAccount(
      handle(),
      institution,
      { email, passwordHash: 'h', createdAt: T0 },
      verification([mail(email, 'verify')]),
    );
    expect(await mails(email)).toEqual(['verify']);
    expect(await consumeEmailToken(handle(), `v${n}`.padEnd(64, '0'), 'verify', at(1))).toBe(
      account.id,
    );

    const reset = (hash: string, mailed: NewMail[]) =>
      insertEmailToken(
        handle(),
        {
          tokenHash: hash,
          accountId: account.id,
          purpose: 'reset',
          expiresAt: at(2),
          mails: mailed,
        },
        at(1),
      );
    await expect(reset('r1'.padEnd(64, '0'), [BROKEN])).rejects.toThrow();
    expect(await consumeEmailToken(handle(), 'r1'.padEnd(64, '0'), 'reset', at(1))).toBeUndefined();
    await reset('r2'.padEnd(64, '0'), [mail(email, 'reset')]);
    expect(await mails(email)).toEqual(['reset', 'verify']);
  });

  it('a notice is published only with its mails', async () => {
    const before = (await listNotices(handle())).length;
    await expect(
      insertNotice(handle(), { title: 't', body: 'b', publishedAt: at(1) }, [BROKEN]),
    ).rejects.toThrow();
    expect(await listNotices(handle())).toHaveLength(before);
    await insertNotice(handle(), { title: 't', body: 'b', publishedAt: at(1) }, [
      mail('notice@example.jp', 'notice'),
    ]);
    expect(await listNotices(handle())).toHaveLength(before + 1);
    expect(await mails('notice@example.jp')).toEqual(['notice']);
  });
});
