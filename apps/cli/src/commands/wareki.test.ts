import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerWarekiCommand } from './wareki.js';

async function run(args: string[]) {
  let out = '';
  const program = new Command('shikaku').exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerWarekiCommand(program, (text) => {
    out += text;
  });
  await program.parseAsync(['node', 'shikaku', 'wareki', ...args]);
  return out;
}

describe('shikaku wareki', () => {
  it.each([
    ['1989-09-13', 'H1.9.13  平成元年9月13日\n'],
    ['19870913', 'S62.9.13  昭和62年9月13日\n'],
    ['H1.9.13', '1989-09-13\n'],
    ['R3.03.01', '2021-03-01\n'],
    ['平成元年9月13日', '1989-09-13\n'],
  ])('%s → %j', async (input, output) => {
    expect(await run([input])).toBe(output);
  });

  it('--json gives every form', async () => {
    expect(JSON.parse(await run(['S62.9.13', '--json']))).toEqual({
      input: 'S62.9.13',
      iso: '1987-09-13',
      short: 'S62.9.13',
      long: '昭和62年9月13日',
    });
  });

  it.each([
    ['S64.1.8', 'INVALID_DATE'],
    ['tomorrow', 'INVALID_DATE'],
    ['1850-01-01', 'INVALID_DATE'],
  ])('%s is refused with %s', async (input, code) => {
    await expect(run([input])).rejects.toMatchObject({ code });
  });
});
