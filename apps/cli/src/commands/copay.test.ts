import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCopayCommand } from './copay.js';

async function run(args: string[]) {
  let out = '';
  const program = new Command('shikaku').exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerCopayCommand(program, (text) => {
    out += text;
  });
  await program.parseAsync(['node', 'shikaku', 'copay', ...args]);
  return out;
}

describe('shikaku copay', () => {
  it.each([
    [['--birth', 'S62.9.13', '--on', '2021-07-15'], '3割 (030)  WORKING_AGE'],
    [['--birth', 'R3.03.01', '--on', 'R3.7.15'], '2割 (020)  PRESCHOOL'],
    [['--birth', '1951-10-01', '--on', '2021-10-01'], '2割 (020)  ELDERLY_70_74'],
    [['--birth', '1951-10-01', '--on', '2021-10-01', '--income', 'active-equivalent'], '3割 (030)'],
    [
      ['--birth', '昭和15年1月1日', '--on', '2022-10-01', '--income', 'certain-income'],
      '2割 (020)  LATE_ELDERLY_CERTAIN_INCOME',
    ],
    [
      ['--birth', '昭和15年1月1日', '--on', '2022-09-30', '--income', 'certain-income'],
      '1割 (010)  LATE_ELDERLY',
    ],
  ])('%j → %s', async (args, expected) => {
    expect(await run(args)).toContain(expected);
  });

  it('--json gives the code, reason and preschool classification', async () => {
    expect(JSON.parse(await run(['--birth', 'H27.4.1', '--on', '2021-03-31', '--json']))).toEqual({
      birthDate: '2015-04-01',
      on: '2021-03-31',
      income: 'general',
      age: 5,
      ratioCode: '020',
      ratio: 0.2,
      reason: 'PRESCHOOL',
      preschool: true,
      preschoolClassification: '1',
      bracketFrom: '2015-04-01',
    });
  });

  it.each([
    [['--birth', 'S64.1.8', '--on', '2021-07-15']],
    [['--birth', '1990-01-01']],
    [['--birth', '1990-01-01', '--on', '2021-07-15', '--income', 'rich']],
  ])('usage error for %j', async (args) => {
    await expect(run(args)).rejects.toMatchObject({ name: 'CommanderError' });
  });

  it('refuses care before birth', async () => {
    await expect(run(['--birth', '2021-03-01', '--on', '2021-02-01'])).rejects.toMatchObject({
      code: 'INVALID_DATE',
    });
  });
});
