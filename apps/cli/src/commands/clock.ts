import type { Command } from 'commander';
import { readCliEnvironment } from '../config.js';
import { CliError, printJson } from '../output.js';
import { callApp } from './control-call.js';

/** The stack's clock control (`shikaku stack` prints its URL; port + 5). */
const DEFAULT_CLOCK_URL = 'http://127.0.0.1:7305';
const DEFAULT_INSURER_URL = 'http://127.0.0.1:7301';

/**
 * `shikaku clock show|advance`: the stack's one clock. Moving it forward makes consents expire and
 * dated jobs (the reader deadline job, the re-match) run before the command answers; it never moves
 * back.
 */
export function registerClockCommand(program: Command, readEnv = readCliEnvironment): void {
  const clock = program
    .command('clock')
    .description("Show or advance the stack's clock (every app of the stack shares it)")
    .option('--url <url>', "the stack's clock control", DEFAULT_CLOCK_URL);
  const url = () => clock.opts<{ url: string }>().url;

  clock
    .command('show')
    .description('The stack clock now (UTC instant and JST date)')
    .action(async () => printJson(await callApp(url(), 'GET', '/v1/clock', {})));

  clock
    .command('advance')
    .description('Move the clock forward: by a duration (24h, 90m, 1d12h, 2w) or --to a date')
    .argument('[step]', 'how far: 24h, 90m, 1d12h, 2w, 500ms')
    .option('--to <when>', 'to a date (YYYY-MM-DD, start of that JST day) or an ISO date-time')
    .option('--control-key <key>', 'its x-control-key (default: SHIKAKU_CLOCK_CONTROL_KEY)')
    .action(async (step: string | undefined, o: { to?: string; controlKey?: string }) => {
      if ((step === undefined) === (o.to === undefined)) {
        throw new CliError('INVALID_CLOCK_STEP', 'give a step (24h) or --to <date>, not both', 2);
      }
      const key = o.controlKey ?? readEnv().clockControlKey;
      if (!key) {
        throw new CliError('NO_CONTROL_KEY', 'give --control-key or SHIKAKU_CLOCK_CONTROL_KEY', 2);
      }
      const body = step === undefined ? { to: o.to } : { by: step };
      printJson(await callApp(url(), 'POST', '/v1/clock/advance', { 'x-control-key': key }, body));
    });
}

/** `shikaku rematch`: run the intermediate server's periodic re-match now. */
export function registerRematchCommand(program: Command, readEnv = readCliEnvironment): void {
  program
    .command('rematch')
    .description("Run the intermediate server's re-match of no-history numbers now")
    .option('--url <url>', 'the intermediate server (insurer-api)', DEFAULT_INSURER_URL)
    .option('--service-key <key>', 'its x-service-key (default: SHIKAKU_SERVICE_KEY)')
    .action(async (o: { url: string; serviceKey?: string }) => {
      const key = o.serviceKey ?? readEnv().serviceKey;
      if (!key)
        throw new CliError('NO_SERVICE_KEY', 'give --service-key or SHIKAKU_SERVICE_KEY', 2);
      printJson(await callApp(o.url, 'POST', '/v1/jobs/rematch', { 'x-service-key': key }));
    });
}
