import type { IsoDate } from './dates.js';
import { CURRENT_POLICY, type MisEntryPolicy, SEED_POLICY } from './mis-entry.js';

/**
 * The intermediate server's rules through the years, as named eras. The date picks the era
 * (`policyEraOn`); `--policy <name>` pins one (`findPolicyEra`). An era's `policy` is the set of
 * later rules it allows; each rule still starts on its own date (MIS_ENTRY_RULES), so pinning an
 * older era turns later rules off and pinning a newer one than the date turns nothing on early.
 * Sources of each date: docs/decisions.md ("Policy eras").
 */
export interface PolicyEra {
  name: string;
  /** The first day (JST) the era's newest rule applies. */
  from: IsoDate;
  title: string;
  policy: MisEntryPolicy;
}

const FIVE_FACTS_POLICY: MisEntryPolicy = {
  fiveFactJlisMatch: true,
  jlisCheckEveryRegistration: false,
};

export const POLICY_ERAS: readonly PolicyEra[] = [
  {
    name: '2021-03',
    from: '2021-03-31',
    title: 'same My Number with a different birth date is a suspicion',
    policy: SEED_POLICY,
  },
  {
    name: '2021-06',
    from: '2021-06-30',
    title: 'numbers with no history checked against J-LIS; kana (twins); periodic re-match',
    policy: SEED_POLICY,
  },
  {
    name: '2023-04',
    from: '2023-04-14',
    title: 'five facts (漢字氏名, カナ氏名, 生年月日, 性別, 住所) compared with J-LIS',
    policy: FIVE_FACTS_POLICY,
  },
  {
    name: '2024-05',
    from: '2024-05-01',
    title: 'every registration checked against J-LIS; a mismatch blocks viewing until resolved',
    policy: CURRENT_POLICY,
  },
  {
    name: '2024-12',
    from: '2024-12-02',
    title: 'no new 健康保険証; 資格確認書 for people without a マイナ保険証',
    policy: CURRENT_POLICY,
  },
];

/** Older names the insurer-api's MIS_ENTRY_POLICY took, kept working. */
const ALIASES: Readonly<Record<string, string>> = { seed: '2021-06', current: '2024-12' };

/** Before the first rule's date nothing is checked. */
export const NO_RULES_ERA: PolicyEra = {
  name: 'before-2021-03',
  from: '0000-01-01',
  title: 'no mis-entry rule in force yet',
  policy: SEED_POLICY,
};

/** The era in force on a JST date. */
export function policyEraOn(asOf: IsoDate): PolicyEra {
  let era = NO_RULES_ERA;
  for (const candidate of POLICY_ERAS) if (candidate.from <= asOf) era = candidate;
  return era;
}

/** The era of a name (or an alias: `seed`, `current`), or undefined. */
export function findPolicyEra(name: string): PolicyEra | undefined {
  const wanted = ALIASES[name] ?? name;
  return POLICY_ERAS.find((era) => era.name === wanted);
}

/** Every name `findPolicyEra` accepts, for error messages and help. */
export function policyEraNames(): string[] {
  return [...POLICY_ERAS.map((era) => era.name), ...Object.keys(ALIASES)];
}

/** Which rules run: the era the date picks, or a pinned one. */
export interface PolicyChoice {
  era: PolicyEra;
  /** 'date': picked by the as-of date; 'pinned': named with --policy / MIS_ENTRY_POLICY. */
  source: 'date' | 'pinned';
  /** The policy the intermediate server runs with. */
  policy: MisEntryPolicy;
}

/**
 * Picks the rules for a stack starting on `asOf`: a pinned era's policy when `pinned` is given
 * (undefined when the name is unknown), else every rule from its own date (the era is the one in
 * force on `asOf`; as the clock moves on, later rules switch on by themselves).
 */
export function choosePolicy(asOf: IsoDate, pinned?: string): PolicyChoice | undefined {
  if (pinned !== undefined) {
    const era = findPolicyEra(pinned);
    return era ? { era, source: 'pinned', policy: era.policy } : undefined;
  }
  return { era: policyEraOn(asOf), source: 'date', policy: CURRENT_POLICY };
}
