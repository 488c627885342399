// A failed batch is retried in halves, so only its bad keys fail (packages/db/src/batching.ts); the
// app says that it happened, once per batch, at warn, with the error's code and message and the
// batch's size only.
import type {} from '@shikaku/db/testing/global-setup';
import { findQualificationsWithRelatedByCard } from '@shikaku/db/eligibility/qualifications';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { beforeAll, expect, it } from 'vitest';
import { createFixture, type Fixture, seedQualifications, snapshot } from './testing/fixture.js';

describeEachDatabase('a failed batch of lookups', ({ handle }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), [{ personRef: 'p-batch', qualification: snapshot() }]);
  });

  it('logs one warn line with the error code and batch size, never the refused value', async () => {
    const card = { insurerNumber: '01130012', insuredIdentificationNumber: '5678' };
    // Two statements go out at once; the other nine wait and travel together, with a date
    // PostgreSQL refuses among them.
    const dates = Array.from({ length: 11 }, (_, i) => (i === 6 ? '2021-02-30' : '1989-09-13'));
    const before = f.logLines.length;
    const results = await Promise.allSettled(
      dates.map((birthDate) =>
        findQualificationsWithRelatedByCard(handle(), { ...card, birthDate }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(
      dates.map((d) => (d === '2021-02-30' ? 'rejected' : 'fulfilled')),
    );
    const lines = f.logLines.slice(before).map((line) => JSON.parse(line) as { level: number });
    const warnings = lines.filter((line) => line.level === 40);
    // The code and PostgreSQL's message for it (SQLSTATE 22008, datetime_field_overflow), its
    // quoted value masked; not the stack, nor the statement's text.
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'batch failed; retrying it in halves',
        batchSize: 9,
        err: { code: '22008', message: 'date/time field value out of range: "[value]"' },
      }),
    ]);
    expect(f.logLines.slice(before).join('\n')).not.toContain('2021-02-30');
  });
});
