import { join, resolve } from 'node:path';
import { createLogger } from '@shikaku/platform/logger';
import { readCliEnvironment } from '../config.js';
import { CliError, printJson } from '../output.js';
import { STACK_COMPONENTS } from '../stack/components.js';
import { type RunningStack, startStack } from '../stack/run-stack.js';
import type { StackCliOptions } from './stack.js';

/** `shikaku stack`'s work, loaded only when the command runs (it imports every app). */
export async function runStackCommand(options: StackCliOptions): Promise<void> {
  const env = readCliEnvironment();
  const logger = createLogger({ name: 'shikaku-stack', level: env.logLevel });
  if (STACK_COMPONENTS.length === 0) {
    throw new CliError('NO_APPS', 'no apps are wired into the stack yet');
  }
  const stack = await startStack(STACK_COMPONENTS, {
    host: options.host,
    basePort: options.port,
    asOf: options.asOf,
    policy: options.policy,
    seed: options.seed,
    members: options.members,
    dataDir: resolve(options.dataDir),
    memory: options.memory,
    pgliteTemplates: join(env.cacheDir, 'pglite-templates'),
    databaseUrl: env.databaseUrl,
    // SHIKAKU_SERVICE_KEY when set (the load test gives the stack it starts its key), else random.
    serviceKey: env.serviceKey,
    only: options.only,
    logger,
    onStarting: (component) => process.stderr.write(`starting ${component.title}…\n`),
    onPhase: (name) => process.stderr.write(`  ${name}…\n`),
    onNotice: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`${readyLine(stack)}\n`);
  if (options.json) {
    printJson({
      database: stack.database,
      asOf: options.asOf ?? null,
      policy: stack.policy,
      readyMs: Math.round(stack.readyMs),
      timings: stack.timings.map((t) => ({
        name: t.name,
        ms: Math.round(t.ms),
        cpuMs: Math.round(t.cpuMs),
      })),
      apps: Object.fromEntries(
        stack.components.map((c) => [c.name, { url: c.url, notes: c.notes }]),
      ),
    });
  } else {
    const lines = [
      `shikaku stack on ${stack.database}${options.asOf ? `, as of ${options.asOf}` : ''}`,
      `policy ${stack.policy.name} in force from ${stack.policy.from} (${stack.policy.source === 'pinned' ? 'pinned with --policy' : 'picked by the date'}): ${stack.policy.title}`,
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

/** `ready in 9.8 s: open database 2.1 s, migrate 0.4 s, …` (the apps' own steps left out). */
function readyLine(stack: RunningStack): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const steps = stack.timings
    .filter((t) => !t.name.includes(': '))
    .map((t) => `${t.name} ${seconds(t.ms)}`);
  return `ready in ${seconds(stack.readyMs)}: ${steps.join(', ')}`;
}
