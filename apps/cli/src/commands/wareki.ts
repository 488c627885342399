import type { Command } from 'commander';
import { formatWareki, parseDate } from '@shikaku/core/wareki';
import { CliError } from '../output.js';

/** True when the input is written in the Gregorian calendar (ISO, YYYYMMDD or YYYY/M/D). */
function isGregorian(input: string): boolean {
  return /^\s*\d{4}[-/]?\d{1,2}[-/]?\d{1,2}\s*$/.test(input.normalize('NFKC'));
}

export function registerWarekiCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command('wareki')
    .description('Convert a date between ISO (YYYY-MM-DD) and 和暦 (H1.9.13, 平成元年9月13日)')
    .argument('<date>', 'e.g. 1989-09-13, H1.9.13, S62.9.13, R3.03.01, 平成元年9月13日')
    .option('--json', 'print {input, iso, short, long} as one JSON object')
    .action((input: string, options: { json?: boolean }) => {
      const parsed = parseDate(input);
      if (!parsed.ok) throw new CliError(parsed.code, `${parsed.reason}: ${parsed.message}`);
      const iso = parsed.value;
      let short: string;
      let long: string;
      try {
        short = formatWareki(iso, 'short');
        long = formatWareki(iso, 'long');
      } catch (error) {
        throw new CliError('INVALID_DATE', (error as Error).message);
      }
      if (options.json) {
        write(`${JSON.stringify({ input, iso, short, long })}\n`);
      } else {
        write(isGregorian(input) ? `${short}  ${long}\n` : `${iso}\n`);
      }
    });
}
