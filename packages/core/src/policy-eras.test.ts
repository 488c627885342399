import { describe, expect, it } from 'vitest';
import { CURRENT_POLICY, MIS_ENTRY_RULES, SEED_POLICY } from './mis-entry.js';
import { choosePolicy, findPolicyEra, POLICY_ERAS, policyEraOn } from './policy-eras.js';

describe('policy eras', () => {
  it.each([
    ['2021-03-15', 'before-2021-03'],
    ['2021-03-31', '2021-03'],
    ['2021-04-15', '2021-03'],
    ['2021-07-15', '2021-06'],
    ['2023-04-13', '2021-06'],
    ['2023-04-14', '2023-04'],
    ['2023-05-01', '2023-04'],
    ['2024-06-01', '2024-05'],
    ['2024-12-01', '2024-05'],
    ['2024-12-02', '2024-12'],
    ['2026-01-15', '2024-12'],
  ])('on %s the era is %s', (date, name) => {
    expect(policyEraOn(date).name).toBe(name);
  });

  it('dates the rule eras as the mis-entry rules are dated', () => {
    expect(findPolicyEra('2021-03')?.from).toBe(MIS_ENTRY_RULES.BIRTH_DATE.effectiveFrom);
    expect(findPolicyEra('2021-06')?.from).toBe(MIS_ENTRY_RULES.KANA_NAME.effectiveFrom);
    expect(findPolicyEra('2023-04')?.from).toBe(MIS_ENTRY_RULES.JLIS_FIVE_FACTS.effectiveFrom);
    expect(findPolicyEra('2024-05')?.from).toBe(
      MIS_ENTRY_RULES.JLIS_EVERY_REGISTRATION.effectiveFrom,
    );
    const froms = POLICY_ERAS.map((e) => e.from);
    expect([...froms].sort()).toEqual(froms);
  });

  it('lets the date pick every rule, or a name pin an era; the old names still work', () => {
    expect(choosePolicy('2021-07-15')).toMatchObject({ source: 'date', policy: CURRENT_POLICY });
    expect(choosePolicy('2024-06-01', 'seed')).toMatchObject({
      source: 'pinned',
      policy: SEED_POLICY,
      era: { name: '2021-06' },
    });
    expect(choosePolicy('2024-06-01', '2023-04')?.policy).toEqual({
      fiveFactJlisMatch: true,
      jlisCheckEveryRegistration: false,
    });
    expect(choosePolicy('2024-06-01', 'current')?.era.name).toBe('2024-12');
    expect(choosePolicy('2024-06-01', '2024')).toBeUndefined();
    expect(findPolicyEra('')).toBeUndefined();
  });
});
