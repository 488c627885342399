import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerValidateCommand, validateValue, type ValidateIo } from './validate.js';

function run(args: string[], stdin?: string) {
  let out = '';
  let exitCode = 0;
  const io: ValidateIo = {
    write: (text) => {
      out += text;
    },
    readStdin: async () => stdin,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = new Command('shikaku').exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerValidateCommand(program, io);
  return program
    .parseAsync(['node', 'shikaku', 'validate', ...args])
    .then(() => ({ out, exitCode }));
}

describe('shikaku validate', () => {
  it('prints one human line per value and exits 0 when all are valid', async () => {
    const { out, exitCode } = await run(['my-number', '123456789018']);
    expect(out).toBe('123456789018  valid\n');
    expect(exitCode).toBe(0);
  });

  it('exits 1 when any value is invalid, with the code and reason', async () => {
    const { out, exitCode } = await run(['my-number', '123456789018', '123456789010', '12']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^123456789010 {2}invalid {2}INVALID_MY_NUMBER CHECK_DIGIT: /);
    expect(lines[2]).toMatch(/INVALID_MY_NUMBER LENGTH/);
    expect(exitCode).toBe(1);
  });

  it('--json prints one object per line', async () => {
    const { out, exitCode } = await run([
      'insurer-number',
      '--json',
      '01130012',
      '00138057',
      '138058',
    ]);
    const objects = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toEqual([
      { value: '01130012', valid: true },
      { value: '00138057', valid: true, canonical: '138057' },
      {
        value: '138058',
        valid: false,
        code: 'INVALID_INSURER_NUMBER',
        reason: 'CHECK_DIGIT',
        message: expect.any(String),
      },
    ]);
    expect(exitCode).toBe(1);
  });

  it('reads values from stdin, one per line, keeping space padding', async () => {
    const { out, exitCode } = await run(
      ['institution-code', '--json'],
      '0110113719\r\n\n0110113718\n',
    );
    expect(
      out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).valid),
    ).toEqual([true, false]);
    expect(exitCode).toBe(1);
    const padded = await run(['insurer-number'], '  138057\n');
    expect(padded.out).toBe('"  138057"  valid (138057)\n');
  });

  it('refuses to run with no values and nothing piped', async () => {
    await expect(run(['my-number'])).rejects.toMatchObject({ code: 'NO_VALUES', exitCode: 2 });
    await expect(run(['my-number'], '\n  \n')).rejects.toMatchObject({ code: 'NO_VALUES' });
  });

  it('rejects an unknown kind', async () => {
    await expect(run(['passport', '1'])).rejects.toThrow(/Allowed choices/);
  });

  it.each([
    ['my-number', '123456789018', true],
    ['insurer-number', '138057', true],
    ['institution-code', '0110113719', true],
    ['institution-code', '0120113719', false],
  ] as const)('validateValue(%s, %s).valid = %s', (kind, value, valid) => {
    expect(validateValue(kind, value).valid).toBe(valid);
  });
});
