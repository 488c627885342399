import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * What a load test sends: institution credentials, insurance-card numbers with birth dates, and
 * card certificate serials. Never a My Number: `assertNoMyNumber` rejects any file or request that
 * carries a 12-digit number or a field named like one.
 */
export const LoadFixtures = Type.Object({
  seed: Type.Integer(),
  /** YYYY-MM-DD the confirmations ask about (the stack's --as-of, or today). */
  confirmationDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  institutions: Type.Array(
    Type.Object({
      institutionCode: Type.String({ pattern: '^\\d{10}$' }),
      clientId: Type.String({ minLength: 1 }),
      clientSecret: Type.String({ minLength: 1 }),
      /**
       * The institution's registered practitioner, whose key signs each drug / checkup view
       * (docs/practitioners.md); views without one are refused PRACTITIONER_CREDENTIAL_REQUIRED.
       */
      practitioner: Type.Optional(
        Type.Object({
          certificateSerial: Type.String({ minLength: 1 }),
          /** The private key as a JWK (P-256): Node and k6's WebCrypto both import it. */
          privateKeyJwk: Type.Record(Type.String(), Type.String()),
        }),
      ),
    }),
    { minItems: 1 },
  ),
  insured: Type.Array(
    Type.Object({
      insurerNumber: Type.String({ pattern: '^\\d{6}$|^\\d{8}$' }),
      insuredCardSymbol: Type.Optional(Type.String()),
      insuredIdentificationNumber: Type.String({ minLength: 1 }),
      insuredBranchNumber: Type.Optional(Type.String()),
      birthDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    }),
    { minItems: 1 },
  ),
  cards: Type.Array(Type.Object({ certificateSerial: Type.String({ minLength: 1 }) })),
});
export type LoadFixtures = Static<typeof LoadFixtures>;

export class FixtureError extends Error {
  readonly code: string;
  constructor(code: 'INVALID_FIXTURES' | 'MY_NUMBER_IN_LOAD_TEST', message: string) {
    super(message);
    this.code = code;
  }
}

const MY_NUMBER_FIELD = /my.?number|kojin.?bango|individual.?number|個人番号/i;
// Bounded by anything but a letter or digit, so a run inside a hex certificate serial does not count.
const TWELVE_DIGITS = /(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/;

/**
 * Throws when any field name looks like a My Number field or any string holds a run of exactly
 * 12 digits (the My Number's shape; nothing a load test sends is 12 digits long).
 */
export function assertNoMyNumber(value: unknown, where: string): void {
  const visit = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      if (TWELVE_DIGITS.test(node)) {
        throw new FixtureError(
          'MY_NUMBER_IN_LOAD_TEST',
          `${where}: ${path || '(value)'} holds a 12-digit number`,
        );
      }
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (MY_NUMBER_FIELD.test(key)) {
          throw new FixtureError(
            'MY_NUMBER_IN_LOAD_TEST',
            `${where}: field ${path}.${key} is a My Number field`,
          );
        }
        visit(child, path ? `${path}.${key}` : key);
      }
    }
  };
  visit(value, '');
}

export function parseFixtures(value: unknown, where = '<fixtures>'): LoadFixtures {
  if (!Value.Check(LoadFixtures, value)) {
    const first = [...Value.Errors(LoadFixtures, value)].slice(0, 5);
    throw new FixtureError(
      'INVALID_FIXTURES',
      `${where}: ${first.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ')}`,
    );
  }
  assertNoMyNumber(value, where);
  return value;
}

export async function loadFixtures(file: string): Promise<LoadFixtures> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FixtureError('INVALID_FIXTURES', `${file}: ${(error as Error).message}`);
  }
  return parseFixtures(json, file);
}
