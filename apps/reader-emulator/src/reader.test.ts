import { fixedClock } from '@shikaku/core/clock';
import { describe, expect, it } from 'vitest';
import type { CardConfirmation } from './card-confirmation.js';
import { memoryCardStore } from './card-store.js';
import type { EligibilityClient } from './eligibility-client.js';
import { outcomeOf, Reader, UNKNOWN_CERTIFICATE_TEXT, viewOf } from './reader.js';
import { findReaderModel } from './reader-models.js';

const confirmation: CardConfirmation = {
  qualificationValidity: '1',
  confirmationDate: '2021-10-20',
  results: [],
};

function eligibility(calls: string[], unknown: readonly string[] = []): EligibilityClient {
  return {
    certificateStatus: async (serial) => {
      calls.push(`status ${serial}`);
      return unknown.includes(serial)
        ? { ok: false, code: 'NOT_FOUND', message: 'J-LIS knows no certificate with this serial' }
        : { ok: true, value: { status: 'valid' } };
    },
    registerCard: async (serial) => {
      calls.push(`register ${serial}`);
      return { ok: true, value: undefined };
    },
    confirmCard: async (request) => {
      calls.push(`confirm ${request.certificateSerial} ${request.verificationMethod}`);
      return { ok: true, value: confirmation };
    },
    search: async () => ({ ok: false, code: 'UPSTREAM_UNAVAILABLE', message: 'unused' }),
  };
}

const settings = { model: findReaderModel('canon')!, faceThreshold: 0.8, enabledConsents: [] };

describe('reader driver', () => {
  it('keeps the PIN lock on the card, so another reader refuses it too', async () => {
    const cards = memoryCardStore();
    const deps = { cards, eligibility: eligibility([]), clock: fixedClock(new Date(0)) };
    const first = new Reader('a', '0110113719', settings, deps);
    await first.placeCard('S1', '4321');
    for (const pin of ['0000', '0000', '0000']) await first.dispatch({ type: 'pin', pin });
    expect(viewOf(first).failure?.code).toBe('CARD_LOCKED');

    const second = new Reader('b', '0110113719', settings, deps);
    const placed = await second.placeCard('S1');
    expect(placed.ok && placed.state.failure?.code).toBe('CARD_LOCKED');
    expect(viewOf(second).card).toEqual({ certificateSerial: 'S1', pinTriesLeft: 0, locked: true });
  });

  it('shows the result even when writing the confirmation file fails', async () => {
    const calls: string[] = [];
    const reader = new Reader('a', '0110113719', settings, {
      cards: memoryCardStore(),
      eligibility: eligibility(calls),
      clock: fixedClock(new Date(0)),
      onConfirmation: async () => {
        throw new Error('disk full');
      },
    });
    await reader.placeCard('S1');
    const result = await reader.dispatch({ type: 'face', similarity: 0.85 });
    expect(result.ok && result.state.step).toBe('result');
    expect(calls).toEqual(['status S1', 'confirm S1 face']);
  });

  it('applies events one at a time, in the order they came', async () => {
    const reader = new Reader('a', '0110113719', settings, {
      cards: memoryCardStore(),
      eligibility: eligibility([]),
      clock: fixedClock(new Date(0)),
    });
    const [placed, face] = await Promise.all([
      reader.placeCard('S1'),
      reader.dispatch({ type: 'face', similarity: 0.9 }),
    ]);
    expect(placed.ok && face.ok).toBe(true);
    expect(reader.state.step).toBe('result');
  });

  it('refuses a card whose certificate J-LIS does not know as it is placed, before any screen', async () => {
    const calls: string[] = [];
    const cards = memoryCardStore();
    const reader = new Reader('a', '0110113719', settings, {
      cards,
      eligibility: eligibility(calls, ['UNKNOWN-1']),
      clock: fixedClock(new Date(0)),
    });
    const refused = await reader.placeCard('UNKNOWN-1', '4321');
    expect(refused).toEqual({
      ok: false,
      code: 'CERTIFICATE_UNKNOWN',
      message: UNKNOWN_CERTIFICATE_TEXT,
      field: 'certificateSerial',
    });
    expect(reader.state.step).toBe('idle');
    expect(await cards.get('UNKNOWN-1')).toBeUndefined();
    expect(calls).toEqual(['status UNKNOWN-1']);
    // J-LIS unreachable: the flow goes on, the confirmation decides.
    const down = new Reader('b', '0110113719', settings, {
      cards,
      eligibility: {
        ...eligibility([]),
        certificateStatus: async () => ({ ok: false, code: 'UPSTREAM_UNAVAILABLE', message: '' }),
      },
      clock: fixedClock(new Date(0)),
    });
    expect((await down.placeCard('S9')).ok).toBe(true);
  });

  it("maps eligibility-api codes to what the reader shows, in Japanese (its English is the log's)", () => {
    expect(outcomeOf({ code: 'CARD_REVOKED', message: 'revoked' })).toEqual({
      code: 'CERTIFICATE_REVOKED',
      message:
        'このカードの電子証明書は失効しています。お住まいの市区町村の窓口にお問い合わせください（CARD_REVOKED）',
    });
    expect(outcomeOf({ code: 'PERSON_NOT_FOUND', message: 'no one' })).toEqual({
      code: 'PERSON_NOT_FOUND',
      message: '資格情報を確認できませんでした。受付にお声がけください',
    });
    const other = outcomeOf({ code: 'RATE_LIMITED', message: 'slow down' });
    expect(other.code).toBe('CONFIRMATION_FAILED');
    expect(other.message).toBe(
      '資格確認ができませんでした。受付にお声がけください（RATE_LIMITED）',
    );
  });
});
