import { randomBytes } from 'node:crypto';

/**
 * Secrets a process reads from its environment. A production process refuses to start without
 * one, or with one anyone could guess: the values earlier versions shipped as defaults (and put in
 * their READMEs) let anyone forge an idToken or call the internal endpoints. The embedded
 * `shikaku stack` makes random ones per run instead (newSecret).
 */

/** Shortest secret accepted: 16 characters (a random 12 bytes in base64url is 16). */
export const MIN_SECRET_LENGTH = 16;

/** Values that were defaults or README examples once: known to everyone, so never a secret. */
const KNOWN_VALUES = new Set([
  'dev-service-key',
  'dev-token-secret',
  'jlis-dev-control-key',
  'shikaku-dev-person-ref-secret',
  'changeme',
  'change-me',
  'secret',
  'password',
]);

/** A missing or unusable setting; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Why a secret is unusable, or undefined when it will do. */
export function secretProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return 'is required (a random value of 16+ characters)';
  if (KNOWN_VALUES.has(value.trim().toLowerCase()) || /^(dev|test|example)-/i.test(value))
    return 'is a published default or example value; set a random one';
  if (value.length < MIN_SECRET_LENGTH)
    return `must have at least ${MIN_SECRET_LENGTH} characters; set a random one`;
  return undefined;
}

/** The secret in `env[variable]`; throws a ConfigError naming the variable when unusable. */
export function requireSecret(env: NodeJS.ProcessEnv, variable: string): string {
  const value = env[variable];
  const problem = secretProblem(value);
  if (problem) throw new ConfigError(variable, problem);
  return value!;
}

/** A fresh random secret (32 bytes, base64url): what the stack uses per run. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * For server.ts: the parsed config, or one line on stderr naming the variable and exit code 78
 * (EX_CONFIG) instead of a stack trace.
 */
export function readConfigOrExit<T>(app: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ConfigError') throw error;
    process.stderr.write(`${app} cannot start: ${error.message}\n`);
    process.exit(78);
  }
}
