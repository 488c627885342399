import { createPrivateKey, randomBytes } from 'node:crypto';
import { signPractitionerProof } from '@shikaku/core/practitioner-proof';
import type { Command } from 'commander';
import { CliError } from '../output.js';
import { readKeys } from '../stack/practitioners.js';

interface SignOptions {
  keys: string;
  institution: string;
  serial?: string;
  curl?: boolean;
}

/**
 * `shikaku practitioner sign GET /v1/consents/<id>/drug-information`: the proof headers a registered
 * practitioner's key gives one request (docs/practitioners.md), from the stack's keys file: a new
 * nonce and the current time each call, so each output opens one view within five minutes.
 */
export function registerPractitionerCommand(
  program: Command,
  io: { output: NodeJS.WritableStream } = { output: process.stdout },
  clock: () => Date = () => new Date(),
): void {
  const practitioner = program
    .command('practitioner')
    .description("A practitioner's signed proof for drug and checkup information (dev helper)");
  practitioner
    .command('sign')
    .description('Print the x-practitioner-* headers of one request, signed with the stack key')
    .argument('<method>', 'GET')
    .argument('<path>', 'the path as sent, with its query string')
    .requiredOption('--keys <file>', "the stack's practitioners.json (it prints where)")
    .requiredOption('--institution <code>', 'the institution whose token the request carries')
    .option('--serial <serial>', "the practitioner's certificate serial (default: the first)")
    .option('--curl', 'print curl -H arguments instead of JSON')
    .action(async (method: string, path: string, options: SignOptions) => {
      const known = await readKeys(options.keys);
      const entry = known.find(
        (p) =>
          p.institutionCode === options.institution &&
          (options.serial === undefined || p.certificateSerial === options.serial),
      );
      if (!entry)
        throw new CliError(
          'NO_SUCH_PRACTITIONER',
          `${options.keys} holds no practitioner of ${options.institution}${options.serial ? ` with ${options.serial}` : ''}`,
        );
      const headers = signPractitionerProof(createPrivateKey(entry.privateKeyPem), {
        method,
        path,
        institutionCode: options.institution,
        certificateSerial: entry.certificateSerial,
        timestamp: clock().toISOString(),
        nonce: randomBytes(18).toString('base64url'),
      });
      io.output.write(
        options.curl
          ? `${Object.entries(headers)
              .map(([name, value]) => `-H '${name}: ${value}'`)
              .join(' ')}\n`
          : `${JSON.stringify(headers)}\n`,
      );
    });
}
