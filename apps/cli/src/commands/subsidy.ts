import type { Command } from 'commander';
import { Option } from 'commander';
import { FACILITY_LABELS, type FacilityType } from '@shikaku/core/facility';
import { calculateSubsidy } from '@shikaku/core/subsidy';
import { CliError } from '../output.js';
import { parseIntegerOption } from './options.js';

const FACILITIES = [
  'hospital',
  'clinic',
  'dental-clinic',
  'pharmacy',
  'large-chain-pharmacy',
] as const satisfies readonly FacilityType[];

const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;

export function registerSubsidyCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command('subsidy')
    .description(
      'Compute the 2021 subsidy for costs other than the free card readers: min(floor(min(cost, cap) × rate), subsidy cap), tax included',
    )
    .addOption(
      new Option('--facility <type>', 'facility type').choices(FACILITIES).makeOptionMandatory(),
    )
    .option('--readers <n>', 'readers introduced (hospitals 1-3, others 1)', parseIntegerOption, 1)
    .requiredOption(
      '--cost <yen>',
      'project cost in yen, tax included (e.g. 429000 or 429,000)',
      parseIntegerOption,
    )
    .option('--json', 'print the result as one JSON object')
    .action(
      (options: { facility: FacilityType; readers: number; cost: number; json?: boolean }) => {
        const result = calculateSubsidy({
          facilityType: options.facility,
          readers: options.readers,
          cost: options.cost,
        });
        if (!result.ok) throw new CliError(result.code, `${result.reason}: ${result.message}`);
        const r = result.value;
        const rate = `${r.rate.numerator}/${r.rate.denominator}`;
        if (options.json) {
          write(
            `${JSON.stringify({
              facility: options.facility,
              readers: options.readers,
              cost: options.cost,
              eligibleCost: r.eligibleCost,
              projectCostCap: r.projectCostCap,
              rate,
              subsidyCap: r.subsidyCap,
              subsidy: r.subsidy,
            })}\n`,
          );
          return;
        }
        write(
          [
            `${FACILITY_LABELS[options.facility]} (${options.facility}), ${options.readers} reader${options.readers === 1 ? '' : 's'}, cost ${yen(options.cost)}`,
            `  project-cost cap ${yen(r.projectCostCap)}, rate ${rate}, subsidy cap ${yen(r.subsidyCap)}`,
            `  subsidy ${yen(r.subsidy)}`,
            '',
          ].join('\n'),
        );
      },
    );
}
