import type { Command } from 'commander';
import { Argument } from 'commander';
import { parseInstitutionCode } from '@shikaku/core/institution-code';
import { parseInsurerNumber } from '@shikaku/core/insurer-number';
import { parseMyNumber } from '@shikaku/core/my-number';
import { CliError } from '../output.js';

const KINDS = ['my-number', 'insurer-number', 'institution-code'] as const;
type Kind = (typeof KINDS)[number];

export interface ValidationLine {
  value: string;
  valid: boolean;
  /** The canonical form when it differs from the input (insurer numbers lose their padding). */
  canonical?: string;
  code?: string;
  reason?: string;
  message?: string;
}

/** Validates one value of a kind; pure, so tests and the command share it. */
export function validateValue(kind: Kind, value: string): ValidationLine {
  const result =
    kind === 'my-number'
      ? parseMyNumber(value)
      : kind === 'insurer-number'
        ? parseInsurerNumber(value)
        : parseInstitutionCode(value);
  if (!result.ok) {
    return {
      value,
      valid: false,
      code: result.code,
      reason: result.reason,
      message: result.message,
    };
  }
  if (typeof result.value === 'object' && 'insurerNumber' in result.value) {
    const canonical = result.value.insurerNumber;
    return canonical === value ? { value, valid: true } : { value, valid: true, canonical };
  }
  return { value, valid: true };
}

/** What the command touches outside itself; tests pass their own. */
export interface ValidateIo {
  write(text: string): void;
  /** The whole of stdin, or undefined when stdin is a terminal (nothing piped). */
  readStdin(): Promise<string | undefined>;
  setExitCode(code: number): void;
}

const processIo: ValidateIo = {
  write: (text) => void process.stdout.write(text),
  readStdin: async () => {
    if (process.stdin.isTTY) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export function registerValidateCommand(program: Command, io: ValidateIo = processIo): void {
  program
    .command('validate')
    .description(
      'Check My Numbers, insurer numbers or institution codes (length, digits, check digit); values from the arguments or stdin, one per line',
    )
    .addArgument(new Argument('<kind>', 'what the values are').choices(KINDS))
    .argument('[values...]', 'values to check; read from stdin (one per line) when none are given')
    .option('--json', 'print one JSON object per value: {value, valid, code?, reason?, message?}')
    .addHelpText('after', '\nExit status: 0 when every value is valid, 1 when any is invalid.')
    .action(async (kind: Kind, values: string[], options: { json?: boolean }) => {
      let inputs = values;
      if (inputs.length === 0) {
        const stdin = await io.readStdin();
        if (stdin === undefined) {
          throw new CliError('NO_VALUES', 'give values as arguments or pipe them, one per line', 2);
        }
        // Keep surrounding spaces: insurer numbers may be space-padded on purpose.
        inputs = stdin.split(/\r?\n/).filter((line) => line.trim() !== '');
        if (inputs.length === 0) throw new CliError('NO_VALUES', 'stdin held no values', 2);
      }
      let invalid = 0;
      for (const value of inputs) {
        const line = validateValue(kind, value);
        if (!line.valid) invalid++;
        io.write(options.json ? `${JSON.stringify(line)}\n` : `${humanLine(line)}\n`);
      }
      if (invalid > 0) io.setExitCode(1);
    });
}

function humanLine(line: ValidationLine): string {
  if (line.valid) {
    return line.canonical === undefined
      ? `${line.value}  valid`
      : `${JSON.stringify(line.value)}  valid (${line.canonical})`;
  }
  return `${line.value}  invalid  ${line.code} ${line.reason}: ${line.message}`;
}
