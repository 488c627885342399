import { createLogger } from '@shikaku/platform/logger';
import type { StackOptions } from '../src/stack/run-stack.js';

/**
 * The options of a stack on the embedded database in memory, on free ports, logging nothing: what
 * the stack tests start. Each test passes its date, seed, population size and data folder.
 */
export function embeddedStackOptions(
  options: Pick<StackOptions, 'asOf' | 'seed' | 'members' | 'dataDir'> &
    Partial<Pick<StackOptions, 'policy'>>,
): StackOptions {
  return {
    host: '127.0.0.1',
    basePort: 0,
    memory: true,
    databaseUrl: undefined,
    only: undefined,
    logger: createLogger({ name: 'stack', level: 'silent' }),
    ...options,
  };
}
