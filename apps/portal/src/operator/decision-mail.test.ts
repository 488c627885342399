// Over the routes, on both databases: a decision sent twice at once (a double click, two tabs) is
// taken once and mailed once, and both requests are answered with the decided page; a mail that
// cannot be queued leaves the decision untaken (the state change and its mail are one transaction).
import { listMail } from '@shikaku/db/portal/mail';
import { findReaderApplication } from '@shikaku/db/portal/reader-applications';
import { findUsageApplication } from '@shikaku/db/portal/usage-applications';
// The vitest 'postgresUrl' type comes with the global setup's declaration.
import type {} from '@shikaku/db/testing/global-setup';
import { testDatabaseKinds } from '@shikaku/db/testing/test-database';
import { describe, expect, it } from 'vitest';
import { type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';

/** A facility signed up with a submitted usage application, and an operator: the id to approve. */
async function submittedUsage(h: Harness, fields: Parameters<typeof signUp>[1]) {
  const facility = await signUp(h.app, fields);
  const operator = await staffClient(h.app, h.handle, 'operator');
  await facility.get('/usage');
  await facility.post('/usage', {});
  const list = await operator.get('/operator/usage');
  const usageId = Number(/action="\/operator\/usage\/(\d+)\/approve"/.exec(list.body)?.[1]);
  return { facility, operator, usageId };
}

describe.each(testDatabaseKinds())('decisions and their mail [%s]', (kind) => {
  it('a usage approval and a desk reply and decision, each sent twice at once, mail once', async () => {
    const h = await startHarness('2021-03-20T10:00:00+09:00', {}, kind);
    try {
      const { facility, operator, usageId } = await submittedUsage(h, {
        institutionCode: '0130000011',
        facilityType: 'dental-clinic',
        email: 'twice@example.jp',
      });
      const mails = async (subject: string) =>
        (await listMail(h.handle, { to: 'twice@example.jp' })).filter((m) =>
          m.subject.includes(subject),
        );

      // Usage: approved once, mailed once.
      const approvals = await Promise.all([
        operator.post(`/operator/usage/${usageId}/approve`, {}),
        operator.post(`/operator/usage/${usageId}/approve`, {}),
      ]);
      expect(approvals.map((a) => a.statusCode)).toEqual([303, 303]);
      expect((await findUsageApplication(h.handle, usageId))?.status).toBe('approved');
      expect(await mails('利用申請が承認されました')).toHaveLength(1);

      // The desk: a 機種未定 application with a special reason.
      await facility.get('/readers');
      const applied = await facility.post('/readers', {
        model: 'undecided',
        quantity: '1',
        consultationReason: '見積りが届いていない',
      });
      const readerId = Number(
        /\/readers\/(\d+)\/complete/.exec(String(applied.headers.location))?.[1],
      );
      await operator.get(`/operator/consultations/${readerId}`);
      await operator.post(`/operator/consultations/${readerId}/replies`, { body: '回答です' });
      expect(await mails('相談窓口から回答がありました')).toHaveLength(1);
      const form = { decision: 'extend', until: '2021-08-31', note: '', confirm: '1' };
      const decisions = await Promise.all([
        operator.post(`/operator/consultations/${readerId}/decision`, form),
        operator.post(`/operator/consultations/${readerId}/decision`, form),
      ]);
      expect(decisions.map((d) => d.statusCode)).toEqual([303, 303]);
      expect((await findReaderApplication(h.handle, readerId))?.model_deadline).toBe('2021-08-31');
      expect(await mails('機種選定期限を延長しました')).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('a decision whose mail cannot be queued is not taken', async () => {
    const h = await startHarness('2021-06-01T10:00:00+09:00', {}, kind);
    try {
      const { operator, usageId: id } = await submittedUsage(h, {
        institutionCode: '1340000015',
        facilityType: 'pharmacy',
        email: 'broken-mail@example.jp',
      });
      // The outbox refuses every new row (a crash between the change and its mail, in effect).
      const exec = async (statement: string) => {
        if (h.handle.pool) await h.handle.pool.query(statement);
        else await h.handle.pglite?.exec(statement);
      };
      await exec(
        'alter table portal.mail_outbox add constraint refuse_all check (false) not valid',
      );
      const failed = await operator.post(`/operator/usage/${id}/approve`, {});
      expect(failed.statusCode).toBe(500);
      expect((await findUsageApplication(h.handle, id))?.status).toBe('submitted');
      await exec('alter table portal.mail_outbox drop constraint refuse_all');
      await operator.get('/operator/usage');
      expect((await operator.post(`/operator/usage/${id}/approve`, {})).statusCode).toBe(303);
      expect((await findUsageApplication(h.handle, id))?.status).toBe('approved');
      const mailed = (await listMail(h.handle, { to: 'broken-mail@example.jp' })).filter((m) =>
        m.subject.includes('利用申請が承認されました'),
      );
      expect(mailed).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});
