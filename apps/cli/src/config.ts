import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment the cli reads, parsed once. */
export interface CliEnvironment {
  /** PostgreSQL URL; when absent the stack runs on embedded PGlite. */
  databaseUrl: string | undefined;
  logLevel: string;
  /**
   * Key the stack's apps share for their internal endpoints (x-service-key): SHIKAKU_SERVICE_KEY,
   * or none, and the stack makes a random one per run.
   */
  serviceKey: string | undefined;
  /** The J-LIS emulator's x-control-key for `shikaku jlis` (JLIS_CONTROL_KEY). */
  jlisControlKey: string | undefined;
  /** The stack clock's x-control-key for `shikaku clock advance` (SHIKAKU_CLOCK_CONTROL_KEY). */
  clockControlKey: string | undefined;
  /**
   * Where the cli keeps what it can make again (migrated PGlite templates): SHIKAKU_CACHE_DIR, else
   * $XDG_CACHE_HOME/shikaku, else ~/.cache/shikaku.
   */
  cacheDir: string;
  /** The whole environment, for child processes the cli starts (the loadtest's stack). */
  inherited: NodeJS.ProcessEnv;
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'warn',
    serviceKey: env.SHIKAKU_SERVICE_KEY || undefined,
    jlisControlKey: env.JLIS_CONTROL_KEY || undefined,
    clockControlKey: env.SHIKAKU_CLOCK_CONTROL_KEY || undefined,
    cacheDir:
      env.SHIKAKU_CACHE_DIR ||
      join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'shikaku'),
    inherited: env,
  };
}
