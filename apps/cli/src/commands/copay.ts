import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { determineCopay, INCOME_CLASSES, type IncomeClass } from '@shikaku/core/copay';
import { ageOn } from '@shikaku/core/dates';
import { formatWareki, parseDate } from '@shikaku/core/wareki';
import { CliError } from '../output.js';

/** A date option in ISO (YYYY-MM-DD) or 和暦 (H1.9.13, 平成元年9月13日). */
export function parseAnyDateOption(value: string): string {
  const result = parseDate(value);
  if (!result.ok)
    throw new InvalidArgumentError(`${result.code} ${result.reason}: ${result.message}`);
  return result.value;
}

const RATIO_LABEL = { '010': '1割', '020': '2割', '030': '3割' } as const;

export function registerCopayCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command('copay')
    .description(
      'The copay ratio (一部負担金割合) on a date of care from the birth date and income class',
    )
    .requiredOption('--birth <date>', 'birth date, ISO or 和暦 (S62.9.13)', parseAnyDateOption)
    .requiredOption('--on <date>', 'date of care, ISO or 和暦', parseAnyDateOption)
    .addOption(
      new Option(
        '--income <class>',
        'income class (一定以上所得 = certain-income, 現役並み = active-equivalent)',
      )
        .choices(INCOME_CLASSES)
        .default('general'),
    )
    .option('--json', 'print the result as one JSON object')
    .action((options: { birth: string; on: string; income: IncomeClass; json?: boolean }) => {
      if (options.on < options.birth) {
        throw new CliError(
          'INVALID_DATE',
          `the date of care ${options.on} is before the birth date ${options.birth}`,
        );
      }
      const copay = determineCopay(options.birth, options.on, options.income);
      const age = ageOn(options.birth, options.on);
      if (options.json) {
        write(
          `${JSON.stringify({
            birthDate: options.birth,
            on: options.on,
            income: options.income,
            age,
            ratioCode: copay.ratioCode,
            ratio: copay.ratio,
            reason: copay.reason,
            preschool: copay.preschool,
            preschoolClassification: copay.preschoolClassification,
            bracketFrom: copay.bracketFrom,
          })}\n`,
        );
        return;
      }
      write(
        `${RATIO_LABEL[copay.ratioCode]} (${copay.ratioCode})  ${copay.reason}, age ${age} on ${options.on} (${formatWareki(options.on)}), since ${copay.bracketFrom}\n`,
      );
    });
}
