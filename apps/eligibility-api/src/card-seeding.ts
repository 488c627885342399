import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findCardLink, upsertCardLink } from '@shikaku/db/eligibility/card-links';
import type { Upstreams } from './upstream.js';

/**
 * Makes the links of cards that were registered for insurance use before this store existed (the
 * stack's seeded population), through the same resolution as a live 保険証利用登録: insurer-api
 * answers the personRef, never the My Number. Returns how many links were made.
 */
export async function linkRegisteredCards(
  handle: DatabaseHandle,
  upstreams: Upstreams,
  clock: Clock,
  serials: readonly string[],
  institutionCode: string,
): Promise<number> {
  let linked = 0;
  for (const certificateSerial of serials) {
    if (await findCardLink(handle, certificateSerial)) continue;
    const person = await upstreams.resolveCertificate(certificateSerial);
    if (!person) continue;
    await upsertCardLink(
      handle,
      { certificateSerial, personRef: person.personRef, institutionCode },
      clock.now(),
    );
    linked += 1;
  }
  return linked;
}
