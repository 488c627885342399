import type { Command } from 'commander';
import { Option } from 'commander';
import { parseIsoDateOption, parseIntegerOption, parsePolicyOption } from './options.js';

/**
 * The apps `--only` accepts, in start order. Named here rather than read from
 * stack/components.ts, which imports every app: `shikaku --help` must not load them
 * (a test holds this list equal to the components').
 */
export const STACK_APP_NAMES = [
  'jlis',
  'insurer-api',
  'eligibility-api',
  'reader-emulator',
  'portal',
  'clock',
] as const;

export interface StackCliOptions {
  asOf?: string;
  policy?: string;
  host: string;
  port: number;
  seed: number;
  members: number;
  dataDir: string;
  memory: boolean;
  only?: string[];
  json?: boolean;
}

export function registerStackCommand(program: Command): void {
  program
    .command('stack')
    .description(
      'Start every app in one process on the embedded database (PGlite), with synthetic data, and print their URLs',
    )
    .option(
      '--as-of <date>',
      'run the clock from this date (YYYY-MM-DD), e.g. 2021-07-15',
      parseIsoDateOption,
    )
    .option(
      '--policy <name>',
      'pin the mis-entry rules to an era (2021-03, 2021-06, 2023-04, 2024-05, 2024-12, seed, current); by default the date picks them',
      parsePolicyOption,
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'first port; apps take the ports after it', parseIntegerOption, 7300)
    .option('--seed <n>', 'seed of the synthetic data', parseIntegerOption, 1)
    .option(
      '--members <n>',
      'synthetic members to seed into an empty database',
      parseIntegerOption,
      10_000,
    )
    .option('--data-dir <dir>', 'where the embedded database and app files live', '.shikaku/stack')
    .option('--memory', 'keep the embedded database in memory (nothing survives a restart)', false)
    .addOption(new Option('--only <apps...>', 'start only these apps').choices(STACK_APP_NAMES))
    .option('--json', 'print the URLs as one JSON object, for scripts')
    .action(async (options: StackCliOptions) => {
      const { runStackCommand } = await import('./stack-action.js');
      await runStackCommand(options);
    });
}
