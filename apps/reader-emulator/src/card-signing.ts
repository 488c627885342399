import { deriveCardKeyPair, signWithCardKey } from '@shikaku/core/card-key';
import type { CardStore } from './card-store.js';
import { type CardRecord, MAX_PIN_ATTEMPTS } from './reader-machine.js';
import { DEFAULT_CARD_PIN } from './reader.js';
import { pinTriesText } from './texts.js';

/**
 * The card's user-certificate applet (JPKI 利用者証明用電子証明書) as a citizen's own card reader
 * (a PC reader or a phone) drives it to sign in to マイナポータル: the 4-digit PIN, then a signature
 * over the server's challenge with the card's private key, which never leaves the card.
 *
 * The PIN counter and the lock are the card's own (the CardStore the face-auth readers use), so
 * wrong PINs here and on a reader add up, and a card locked on either is locked on both.
 */
export type CardSignature =
  | { ok: true; certificateSerial: string; signature: string }
  | {
      ok: false;
      code: 'INVALID_PIN_FORMAT' | 'PIN_MISMATCH' | 'CARD_LOCKED';
      message: string;
      pinTriesLeft: number;
    };

export async function signChallengeWithCard(
  cards: CardStore,
  issuingSecret: string,
  request: { certificateSerial: string; pin: string; challenge: string },
): Promise<CardSignature> {
  // A card no reader has seen yet is a new emulated card with the default PIN, as on a reader.
  const card: CardRecord = (await cards.get(request.certificateSerial)) ?? {
    certificateSerial: request.certificateSerial,
    pin: DEFAULT_CARD_PIN,
    failedPinAttempts: 0,
    locked: false,
  };
  const locked = () =>
    ({
      ok: false,
      code: 'CARD_LOCKED',
      message: `暗証番号を${MAX_PIN_ATTEMPTS}回間違えたため、カードがロックされています。お住まいの市区町村の窓口でロックを解除してください`,
      pinTriesLeft: 0,
    }) as const;
  if (card.locked) return locked();
  if (!/^\d{4}$/.test(request.pin)) {
    return {
      ok: false,
      code: 'INVALID_PIN_FORMAT',
      message: '暗証番号は数字4桁です',
      pinTriesLeft: MAX_PIN_ATTEMPTS - card.failedPinAttempts,
    };
  }
  if (request.pin !== card.pin) {
    const attempts = card.failedPinAttempts + 1;
    const next: CardRecord = {
      ...card,
      failedPinAttempts: attempts,
      locked: attempts >= MAX_PIN_ATTEMPTS,
    };
    await cards.save(next);
    if (next.locked) return locked();
    return {
      ok: false,
      code: 'PIN_MISMATCH',
      message: `暗証番号が違います。${pinTriesText(MAX_PIN_ATTEMPTS - attempts)}`,
      pinTriesLeft: MAX_PIN_ATTEMPTS - attempts,
    };
  }
  // A correct PIN resets the counter, as on the reader.
  if (card.failedPinAttempts !== 0 || !(await cards.get(card.certificateSerial)))
    await cards.save({ ...card, failedPinAttempts: 0 });
  const { privateKey } = deriveCardKeyPair(issuingSecret, card.certificateSerial);
  return {
    ok: true,
    certificateSerial: card.certificateSerial,
    signature: signWithCardKey(privateKey, request.challenge),
  };
}
