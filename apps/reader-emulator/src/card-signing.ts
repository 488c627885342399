import { deriveCardKeyPair, signWithCardKey } from '@shikaku/core/card-key';
import type { CardStore } from './card-store.js';
import { type CardRecord, checkCardPin, MAX_PIN_ATTEMPTS } from './reader-machine.js';
import { DEFAULT_CARD_PIN } from './reader.js';

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
  const stored = await cards.get(request.certificateSerial);
  const card: CardRecord = stored ?? {
    certificateSerial: request.certificateSerial,
    pin: DEFAULT_CARD_PIN,
    failedPinAttempts: 0,
    locked: false,
  };
  if (card.locked)
    return {
      ok: false,
      code: 'CARD_LOCKED',
      message: `暗証番号を${MAX_PIN_ATTEMPTS}回間違えたため、カードがロックされています。お住まいの市区町村の窓口でロックを解除してください`,
      pinTriesLeft: 0,
    };
  const check = checkCardPin(card, request.pin);
  // A counted entry that changed the counter is saved, and so is a card no reader has seen yet.
  const changed = check.card.failedPinAttempts !== card.failedPinAttempts || !stored;
  if (check.outcome !== 'format' && changed) await cards.save(check.card);
  if (check.outcome !== 'ok')
    return {
      ok: false,
      code: check.code,
      message: check.message,
      pinTriesLeft: MAX_PIN_ATTEMPTS - check.card.failedPinAttempts,
    };
  const { privateKey } = deriveCardKeyPair(issuingSecret, card.certificateSerial);
  return {
    ok: true,
    certificateSerial: card.certificateSerial,
    signature: signWithCardKey(privateKey, request.challenge),
  };
}
