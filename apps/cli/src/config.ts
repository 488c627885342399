/** The environment the cli reads, parsed once. */
export interface CliEnvironment {
  /** PostgreSQL URL; when absent the stack runs on embedded PGlite. */
  databaseUrl: string | undefined;
  logLevel: string;
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'warn',
  };
}
