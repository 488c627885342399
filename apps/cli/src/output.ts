import { CommanderError } from 'commander';

/** A failure the user can act on: a stable code, a message, exit status 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function exitWithError(error: unknown, json: boolean): never {
  if (error instanceof CommanderError) {
    // commander already printed help or the usage error.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  const code = error instanceof CliError ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`shikaku: ${code}: ${message}\n`);
  if (!(error instanceof CliError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(error instanceof CliError ? error.exitCode : 1);
}
