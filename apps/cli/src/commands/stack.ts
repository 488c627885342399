import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { createLogger } from '@shikaku/platform/logger';
import { readCliEnvironment } from '../config.js';
import { CliError, printJson } from '../output.js';
import { STACK_COMPONENTS } from '../stack/components.js';
import { startStack } from '../stack/run-stack.js';
import { parseIsoDateOption, parseIntegerOption } from './options.js';

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
    .addOption(
      new Option('--only <apps...>', 'start only these apps').choices(
        STACK_COMPONENTS.map((c) => c.name),
      ),
    )
    .option('--json', 'print the URLs as one JSON object, for scripts')
    .action(
      async (options: {
        asOf?: string;
        host: string;
        port: number;
        seed: number;
        members: number;
        dataDir: string;
        memory: boolean;
        only?: string[];
        json?: boolean;
      }) => {
        const env = readCliEnvironment();
        const logger = createLogger({ name: 'shikaku-stack', level: env.logLevel });
        if (STACK_COMPONENTS.length === 0) {
          throw new CliError('NO_APPS', 'no apps are wired into the stack yet');
        }
        const stack = await startStack(STACK_COMPONENTS, {
          host: options.host,
          basePort: options.port,
          asOf: options.asOf,
          seed: options.seed,
          members: options.members,
          dataDir: resolve(options.dataDir),
          memory: options.memory,
          databaseUrl: env.databaseUrl,
          only: options.only,
          logger,
          onStarting: (component) => process.stderr.write(`starting ${component.title}…\n`),
        });
        if (options.json) {
          printJson({
            database: stack.database,
            asOf: options.asOf ?? null,
            apps: Object.fromEntries(
              stack.components.map((c) => [c.name, { url: c.url, notes: c.notes }]),
            ),
          });
        } else {
          const lines = [
            `shikaku stack on ${stack.database}${options.asOf ? `, as of ${options.asOf}` : ''}`,
            '',
            ...stack.components.flatMap((c) => [
              `  ${c.title}`,
              `      ${c.url}`,
              ...c.notes.map((note) => `      ${note}`),
              '',
            ]),
            'Ctrl-C stops the stack.',
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        await waitForSignal();
        await stack.close();
      },
    );
}

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
