import type { QualificationEvent } from '@shikaku/core/qualification-event';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { qualificationUpserted } from '../testing/qualification-events.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { createAccessLogWriter, listAccessLogByPerson } from './access-log.js';
import { findBulkInquiry, insertBulkInquiry } from './bulk-inquiries.js';
import {
  findCredential,
  insertCredential,
  revokeCredential,
  upsertInstitution,
} from './institutions.js';
import { applyOutboxPage, findQualificationsByCard, readOutboxCursor } from './qualifications.js';

const at = new Date('2021-07-15T01:00:00Z');

function event(sequence: number, name: string, qualificationId = 'q1'): QualificationEvent {
  return qualificationUpserted(sequence, { name, qualificationId });
}

describeEachDatabase('eligibility repositories', ({ handle }) => {
  it('has no column that could hold a My Number', async () => {
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_schema = 'eligibility'`.execute(
      handle().db,
    );
    expect(columns.rows.length).toBeGreaterThan(20);
    for (const { column_name } of columns.rows)
      expect(column_name).not.toMatch(/my_?number|individual/i);
  });

  it('applies outbox pages idempotently and never lets an older event win', async () => {
    await applyOutboxPage(
      handle(),
      'relay',
      [event(1, '資格 花子'), event(3, '資格 花子B')],
      3,
      at,
    );
    await applyOutboxPage(handle(), 'relay', [event(2, '古い名前')], 3, at);
    await applyOutboxPage(handle(), 'relay', [event(3, '資格 花子B')], 3, at);
    const rows = await findQualificationsByCard(handle(), {
      insurerNumber: '01130012',
      insuredIdentificationNumber: '5678',
      birthDate: '1989-09-13',
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: '資格 花子B',
      personRef: 'p1',
      insuredCardSymbol: '1234',
    });
    expect(await readOutboxCursor(handle(), 'relay')).toBe(3);
  });

  it('group-commits access log entries, each caller resolving after its commit', async () => {
    const writer = createAccessLogWriter(handle(), { maxBatch: 3 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        writer.append({
          at: new Date(at.getTime() + i),
          institutionCode: '0110113719',
          personRef: 'p-log',
          kind: 'confirmation',
          items: ['qualification'],
          consentState: 'none',
          qualificationValidity: '1',
        }),
      ),
    );
    await writer.close();
    const log = await listAccessLogByPerson(handle(), 'p-log');
    expect(log).toHaveLength(10);
    expect(log[0]?.items).toEqual(['qualification']);
  });

  it('reads a bulk inquiry only for its owner, and revokes credentials', async () => {
    await upsertInstitution(
      handle(),
      { institutionCode: 'A', facilityType: 'clinic', name: 'A', rateLimitPerSecond: 10 },
      at,
    );
    await insertBulkInquiry(handle(), {
      receptionNumber: 'R1',
      institutionCode: 'A',
      confirmationDate: '2021-07-15',
      submittedAt: at,
      items: [{ x: 1 }],
    });
    expect(await findBulkInquiry(handle(), 'R1', 'A')).toMatchObject({
      status: 'accepted',
      items: [{ x: 1 }],
    });
    expect(await findBulkInquiry(handle(), 'R1', 'B')).toBeUndefined();
    await insertCredential(handle(), { clientId: 'c1', institutionCode: 'A', secretHash: 'h' }, at);
    expect(await findCredential(handle(), 'c1')).toMatchObject({ revoked: false });
    expect(await revokeCredential(handle(), 'A', 'c1', at)).toBe(true);
    expect(await revokeCredential(handle(), 'A', 'c1', at)).toBe(false);
    expect(await findCredential(handle(), 'c1')).toMatchObject({ revoked: true });
  });
});
