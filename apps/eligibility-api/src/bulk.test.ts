// Bulk inquiries never stick (issue 18): an item that cannot be answered gets an error unit, an
// inquiry that cannot be answered at all is settled as failed, and neither blocks a later one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findBulkInquiry, insertBulkInquiry } from '@shikaku/db/eligibility/bulk-inquiries';
import { rowCounts } from '@shikaku/db/testing/row-counts';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { ITEM_FAILED, processPendingBulkInquiries } from './bulk.js';
import type { Services } from './services.js';
import {
  CLINIC_A,
  createFixture,
  type Fixture,
  seedQualifications,
  snapshot,
} from './testing/fixture.js';

const GOOD_ITEM = {
  insurerNumber: '01130012',
  insuredCardSymbol: '1234',
  insuredIdentificationNumber: '5678',
  birthDate: '1989-09-13',
  arbitraryIdentifier: 'good',
};

describeEachDatabase('bulk inquiries', ({ handle }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), [{ personRef: 'P-hanako', qualification: snapshot() }]);
  });
  afterAll(() => f.app.close());

  const inquiries = async () =>
    (await rowCounts(handle(), ['eligibility']))['eligibility.bulk_inquiries'];

  it.each([
    ['February 30th', { birthDate: '2021-02-30' }, 'items.0.birthDate', 'FORMAT'],
    ['year 0', { birthDate: '0000-01-01' }, 'items.0.birthDate', 'FORMAT'],
    ['a NUL', { arbitraryIdentifier: 'a\u0000' }, 'items.0.arbitraryIdentifier', 'NUL'],
    [
      'a lone surrogate',
      { insuredIdentificationNumber: '\ud800' },
      'items.0.insuredIdentificationNumber',
      'UNPAIRED_SURROGATE',
    ],
  ])(
    'refuses an item with %s at submission, storing nothing',
    async (_what, bad, field, reason) => {
      const before = await inquiries();
      const response = await f.app.inject({
        method: 'POST',
        url: '/v1/bulk-inquiries',
        headers: { authorization: `Bearer ${await f.token()}` },
        payload: { items: [{ ...GOOD_ITEM, ...bad }, GOOD_ITEM] },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field, reason });
      expect(await inquiries()).toBe(before);
    },
  );

  it('answers what was accepted before a restart: a poisoned item is an error unit, a poisoned inquiry fails, the next is answered', async () => {
    const submittedAt = new Date('2021-07-15T00:00:00Z');
    const accept = (receptionNumber: string, items: unknown, minutes: number) =>
      insertBulkInquiry(handle(), {
        receptionNumber,
        institutionCode: CLINIC_A,
        confirmationDate: '2021-07-15',
        submittedAt: new Date(submittedAt.getTime() + minutes * 60_000),
        items: items as unknown[],
      });
    // Accepted by a version without the edge checks: a date PostgreSQL refuses, a NUL.
    await accept('POISONED-ITEM', [{ ...GOOD_ITEM, birthDate: '2021-02-30' }, GOOD_ITEM], 1);
    await accept('POISONED-INQUIRY', { not: 'a list' }, 2);
    await accept('AFTER', [GOOD_ITEM], 3);

    const errors: string[] = [];
    const services = { handle: handle(), clock: f.clock } as unknown as Services;
    await processPendingBulkInquiries(services, (_error, receptionNumber) =>
      errors.push(receptionNumber),
    );
    expect(errors).toEqual(['POISONED-INQUIRY']);

    const item = await findBulkInquiry(handle(), 'POISONED-ITEM', CLINIC_A);
    expect(item?.status).toBe('done');
    const auth = { authorization: `Bearer ${await f.token()}` };
    const result = await f.app.inject({
      method: 'GET',
      url: '/v1/bulk-inquiries/POISONED-ITEM/result',
      headers: auth,
    });
    expect(result.statusCode).toBe(200);
    const message = result.json();
    expect(message.XmlMsg.MessageHeader).toMatchObject({
      NumberOfProcessingResult: '2',
      NumberOfNormalProcessing: '1',
      NumberOfError: '1',
    });
    const units = message.XmlMsg.MessageBody.BulkConfirmUnit as Array<Record<string, unknown>>;
    expect(units.map((u) => [u.ProcessingResultStatus, u.ProcessingResultCode])).toEqual([
      ['2', ITEM_FAILED],
      ['1', undefined],
    ]);

    expect((await findBulkInquiry(handle(), 'POISONED-INQUIRY', CLINIC_A))?.status).toBe('failed');
    const failed = await f.app.inject({
      method: 'GET',
      url: '/v1/bulk-inquiries/POISONED-INQUIRY/result',
      headers: auth,
    });
    expect(failed.statusCode).toBe(422);
    expect(failed.json()).toMatchObject({ code: 'BULK_INQUIRY_FAILED' });
    expect((await findBulkInquiry(handle(), 'AFTER', CLINIC_A))?.status).toBe('done');

    // Nothing is left to resume: a restart does not try them again.
    const again: string[] = [];
    await processPendingBulkInquiries(services, (_e, r) => again.push(r));
    expect(again).toEqual([]);
  });
});
