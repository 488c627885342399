// The insurance card's dates (交付年月日, 有効開始日, 有効終了日) from a registration through the
// outbox event to the eligibility store, as the stack's relay carries them.
import type { QualificationEvent } from '@shikaku/core/qualification-event';
import { expect, it } from 'vitest';
import { upsertInsurer } from '../intermediate/insurers.js';
import { listOutboxEvents } from '../intermediate/outbox.js';
import { findRegistration, saveRegistrations } from '../intermediate/registrations.js';
import { registrationWrite } from '../testing/registrations.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { applyOutboxPage, findQualificationsByCard, readOutboxCursor } from './qualifications.js';

const at = new Date('2021-07-15T01:00:00Z');
const later = new Date('2021-08-02T01:00:00Z');
const CARD = {
  insurerNumber: '01130012',
  insuredIdentificationNumber: '345',
  birthDate: '1989-09-13',
};

/** Pulls every outbox event after the consumer's cursor into the eligibility store, as the relay does. */
async function relay(handle: Parameters<typeof listOutboxEvents>[0], now: Date): Promise<void> {
  const after = await readOutboxCursor(handle, 'test');
  const events = await listOutboxEvents(handle, { after, limit: 100 });
  if (events.length === 0) return;
  await applyOutboxPage(
    handle,
    'test',
    events as unknown as QualificationEvent[],
    events.at(-1)!.sequence,
    now,
  );
}

describeEachDatabase('card dates from registration to the eligibility store', ({ handle }) => {
  it('carries the three dates through the outbox event into the stored qualification', async () => {
    await upsertInsurer(
      handle(),
      { insurerNumber: '01130012', name: '保険者A', keyHash: 'k-a', webhookUrl: null },
      at,
    );
    await saveRegistrations(
      handle(),
      [
        registrationWrite({
          cardIssuedOn: '2021-04-05',
          cardValidFrom: '2021-04-01',
          cardValidTo: '2022-03-31',
        }),
      ],
      at,
    );
    expect(await findRegistration(handle(), 'q-1')).toMatchObject({
      cardIssuedOn: '2021-04-05',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2022-03-31',
    });
    const events = await listOutboxEvents(handle(), { after: 0, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]!.qualification).toMatchObject({
      cardIssuedOn: '2021-04-05',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2022-03-31',
    });

    await relay(handle(), at);
    const [stored] = await findQualificationsByCard(handle(), CARD);
    expect(stored).toMatchObject({
      cardIssuedOn: '2021-04-05',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2022-03-31',
    });
  });

  it('publishes a change of the card dates alone, and the store follows it (null included)', async () => {
    const result = await saveRegistrations(
      handle(),
      [
        registrationWrite({
          qualificationId: 'q-again',
          cardIssuedOn: '2021-08-01',
          cardValidFrom: '2021-08-01',
          cardValidTo: null,
        }),
      ],
      later,
    );
    // Only the card dates differ from what is stored: still a change, with an event.
    expect(result).toMatchObject({ changed: 1, events: 1 });
    const events = await listOutboxEvents(handle(), { after: 1, limit: 10 });
    expect(events.map((e) => e.qualification)).toEqual([
      expect.objectContaining({
        cardIssuedOn: '2021-08-01',
        cardValidFrom: '2021-08-01',
        cardValidTo: null,
      }),
    ]);

    await relay(handle(), later);
    const stored = await findQualificationsByCard(handle(), CARD);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      qualificationId: 'q-1',
      cardIssuedOn: '2021-08-01',
      cardValidFrom: '2021-08-01',
      cardValidTo: null,
    });
  });

  it('reads an event written before snapshots had card dates as null dates', async () => {
    const [current] = await findQualificationsByCard(handle(), CARD);
    const {
      personRef,
      cardIssuedOn: _issued,
      cardValidFrom: _from,
      cardValidTo: _to,
      ...older
    } = current!;
    await applyOutboxPage(
      handle(),
      'test',
      [
        {
          sequence: 100,
          eventId: 'e-old-shape',
          type: 'qualification.upserted',
          occurredAt: later.toISOString(),
          personRef,
          qualification: older as unknown as QualificationEvent['qualification'],
        },
      ],
      100,
      later,
    );
    const [stored] = await findQualificationsByCard(handle(), CARD);
    expect(stored).toMatchObject({ cardIssuedOn: null, cardValidFrom: null, cardValidTo: null });
    expect(stored?.name).toBe(current?.name);
  });
});
