import { createHmac } from 'node:crypto';

/**
 * The pseudonymous person reference the eligibility side knows a person by (like the real
 * system's 機関別符号): an HMAC of the My Number under a secret that stays in this server, so it is
 * stable, needs no lookup table, and cannot be turned back into the number without the secret.
 */
export function personRefOf(secret: string, myNumber: string): string {
  return `P${createHmac('sha256', secret).update(myNumber).digest('base64url').slice(0, 22)}`;
}
