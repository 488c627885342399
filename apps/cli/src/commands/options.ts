import { findPolicyEra, policyEraNames } from '@shikaku/core/policy-eras';
import { InvalidArgumentError } from 'commander';

/** Option parsers shared by every subcommand. */
export function parseIntegerOption(value: string): number {
  const n = Number(value.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`not a whole number: ${value}`);
  return n;
}

export function parseIsoDateOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError(`not a date (YYYY-MM-DD): ${value}`);
  }
  return value;
}

/** A policy era's name (core's POLICY_ERAS) or an alias; anything else is refused by name. */
export function parsePolicyOption(value: string): string {
  if (!findPolicyEra(value)) {
    throw new InvalidArgumentError(
      `unknown policy ${JSON.stringify(value)}; one of ${policyEraNames().join(', ')}`,
    );
  }
  return value;
}
