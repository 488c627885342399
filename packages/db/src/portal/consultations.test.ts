import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import { insertAccount, registerInstitutionAccount } from './accounts.js';
import {
  decideConsultation,
  listConsultationMessages,
  listConsultations,
  replyToConsultation,
} from './consultations.js';
import {
  cancelUndecidedApplication,
  createReaderApplication,
  findReaderApplication,
  searchReaderApplications,
  setConsultation,
} from './reader-applications.js';

const T0 = new Date('2021-03-20T01:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

describeEachDatabase('the consultation desk', ({ handle }) => {
  it('queues, threads replies, and decides an extension once against which the job cancels', async () => {
    await registerInstitutionAccount(
      handle(),
      {
        institutionCode: '0130000011',
        name: '相談歯科',
        facilityType: 'dental-clinic',
        largeChain: false,
        prefecture: '01',
        createdAt: T0,
      },
      { email: 'desk-dental@example.jp', passwordHash: 'h', createdAt: T0 },
    );
    const operator = await insertAccount(handle(), {
      email: 'desk-op@example.jp',
      passwordHash: 'h',
      role: 'operator',
      institutionCode: null,
      createdAt: T0,
    });
    const application = await createReaderApplication(handle(), {
      institutionCode: '0130000011',
      model: null,
      quantity: 1,
      at: T0,
      detail: 'd',
    });
    expect(await listConsultations(handle())).toEqual([]);
    expect(
      await setConsultation(handle(), {
        id: application.id,
        reason: 'システム事業者から見積りが届いていない',
        actor: 'institution',
        at: at(1),
      }),
    ).toBe(true);
    expect(
      await replyToConsultation(handle(), {
        applicationId: application.id,
        author: 'callcentre',
        accountId: operator.id,
        body: '事業者名を教えてください',
        at: at(2),
      }),
    ).toBe(true);
    const [queued] = await listConsultations(handle(), { status: 'open' });
    expect(queued).toMatchObject({ id: application.id, name: '相談歯科', messages: 2 });
    expect(queued?.last_message_at).toEqual(at(2));
    expect((await listConsultationMessages(handle(), application.id)).map((m) => m.author)).toEqual(
      ['institution', 'callcentre'],
    );

    const decisions = await Promise.all(
      Array.from({ length: 5 }, () =>
        decideConsultation(handle(), {
          applicationId: application.id,
          kind: 'extend',
          until: '2021-08-31',
          note: '',
          accountId: operator.id,
          at: at(3),
        }),
      ),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    // The job judged the standard deadline: the extension since then wins.
    expect(
      await cancelUndecidedApplication(handle(), application.id, at(4), 'deadline', { own: null }),
    ).toBe(false);
    expect((await findReaderApplication(handle(), application.id))?.model_deadline).toBe(
      '2021-08-31',
    );
    expect(
      await cancelUndecidedApplication(handle(), application.id, at(4), 'deadline', {
        own: '2021-08-31',
      }),
    ).toBe(true);
    // Decided and cancelled: no more decisions, and the facility cannot reopen it.
    expect(
      await setConsultation(handle(), {
        id: application.id,
        reason: 'もう一度',
        actor: 'institution',
        at: at(5),
      }),
    ).toBe(false);
  });

  it('finds applications by a part of the name, hiragana and katakana alike', async () => {
    await registerInstitutionAccount(
      handle(),
      {
        institutionCode: '1340000015',
        name: 'シカク薬局　駅前店',
        facilityType: 'pharmacy',
        largeChain: false,
        prefecture: '13',
        createdAt: T0,
      },
      { email: 'search@example.jp', passwordHash: 'h', createdAt: T0 },
    );
    const application = await createReaderApplication(handle(), {
      institutionCode: '1340000015',
      model: 'canon',
      quantity: 1,
      at: T0,
      detail: 'd',
    });
    for (const typed of ['しかく', 'シカク', '駅前']) {
      const found = await searchReaderApplications(handle(), undefined, 10, typed);
      expect(found.map((r) => r.id)).toEqual([application.id]);
    }
    expect(await searchReaderApplications(handle(), undefined, 10, '100%')).toEqual([]);
  });
});
