import { PERSON_FACTS, type PersonFact } from '@shikaku/core/mis-entry';

/**
 * Where a notified conflict came from: another registration of the same My Number (by another
 * insurer or this one, at registration), the periodic re-match, J-LIS, or — told to the insurer
 * that registered earlier — a later registration by another insurer.
 */
export type NoticeSource = 'registration' | 'rematch' | 'jlis' | 'later-registration';

export interface NoticeDescription {
  source: NoticeSource;
  /** The facts that differ (none for a J-LIS agreement or a number J-LIS does not know). */
  facts: PersonFact[];
}

/**
 * What a notification says about its conflict, read from the kind and the key its producer gave
 * it (this app writes both: classify.ts, jobs/rematch.ts, jobs/jlis-checks.ts and the counterpart
 * job). Nothing of another insurer's member is in it beyond the facts' names.
 */
export function describeNotice(n: {
  kind: string;
  dedupeKey: string;
  message: string;
}): NoticeDescription {
  const source: NoticeSource = n.dedupeKey.startsWith('rematch:')
    ? 'rematch'
    : n.dedupeKey.startsWith('counterpart:')
      ? 'later-registration'
      : n.kind.startsWith('JLIS_')
        ? 'jlis'
        : 'registration';
  switch (n.kind) {
    case 'BIRTH_DATE_MISMATCH':
      return { source, facts: ['birthDate'] };
    case 'KANA_NAME_MISMATCH':
      return { source, facts: ['kanaName'] };
    case 'JLIS_MISMATCH':
      // notificationMessage lists the facts after "differs on ".
      return {
        source,
        facts: PERSON_FACTS.filter((fact) =>
          (n.message.split('differs on ')[1] ?? '').split(/,\s*/).includes(fact),
        ),
      };
    default:
      return { source, facts: [] };
  }
}

/** What the insurer that registered earlier is told (no data of the later insurer's member). */
export function counterpartMessage(kind: string): string {
  return kind === 'BIRTH_DATE_MISMATCH'
    ? 'suspected mis-registration: another insurer registered this My Number later with a different birth date'
    : 'suspected mis-registration: another insurer registered this My Number later with the same birth date and a different kana name';
}
