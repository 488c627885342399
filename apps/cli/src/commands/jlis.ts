import type { Command } from 'commander';
import { readCliEnvironment } from '../config.js';
import { CliError, printJson } from '../output.js';

const DEFAULT_URL = 'http://127.0.0.1:7303';

interface JlisOptions {
  url: string;
  controlKey?: string;
}

/**
 * `shikaku jlis`: drive the J-LIS emulator's registry over its control API (the stack prints the
 * control key): residents born, moved, married, dead, and a certificate's status.
 */
export function registerJlisCommand(program: Command, readEnv = readCliEnvironment): void {
  const jlis = program
    .command('jlis')
    .description(
      'Drive the J-LIS emulator: residents (birth, move, marriage, death) and certificates',
    )
    .option('--url <url>', 'the J-LIS emulator', DEFAULT_URL)
    .option('--control-key <key>', 'its x-control-key (default: JLIS_CONTROL_KEY)');

  const call = async (method: string, path: string, body?: unknown) => {
    const options = jlis.opts<JlisOptions>();
    const key = options.controlKey ?? readEnv().jlisControlKey;
    if (!key) throw new CliError('NO_CONTROL_KEY', 'give --control-key or JLIS_CONTROL_KEY', 2);
    let response: Response;
    try {
      response = await fetch(`${options.url}${path}`, {
        method,
        headers: {
          'x-control-key': key,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new CliError('JLIS_UNREACHABLE', `could not reach ${options.url}`);
    }
    const text = await response.text();
    const answer = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      const field = typeof answer.field === 'string' ? ` (${answer.field})` : '';
      throw new CliError(
        String(answer.code ?? response.status),
        `${String(answer.message)}${field}`,
      );
    }
    printJson(response.status === 204 ? { ok: true } : answer);
  };

  const facts = (o: Record<string, string | undefined>) =>
    Object.fromEntries(
      (
        [
          ['name', o.name],
          ['nameKana', o.kana],
          ['birthDate', o.birthDate],
          ['sex', o.sex],
          ['address', o.address],
        ] as const
      ).filter(([, v]) => v !== undefined),
    );

  const resident = jlis.command('resident').description('Add, change or remove a resident');
  resident
    .command('add')
    .description('A birth or a move in')
    .argument('<myNumber>')
    .requiredOption('--name <name>', '漢字氏名')
    .requiredOption('--kana <kana>', 'カナ氏名')
    .requiredOption('--birth-date <date>', 'YYYY-MM-DD')
    .requiredOption('--sex <sex>', '1 male, 2 female, 3 unset')
    .requiredOption('--address <address>', '住所')
    .action((myNumber: string, o: Record<string, string>) =>
      call('POST', '/v1/control/residents', { myNumber, ...facts(o) }),
    );
  resident
    .command('change')
    .description('A move (--address) or a marriage (--name, --kana), or any fact')
    .argument('<myNumber>')
    .option('--name <name>')
    .option('--kana <kana>')
    .option('--birth-date <date>')
    .option('--sex <sex>')
    .option('--address <address>')
    .action(async (myNumber: string, o: Record<string, string | undefined>) => {
      const change = facts(o);
      if (Object.keys(change).length === 0) {
        throw new CliError('NOTHING_TO_CHANGE', 'give at least one fact to change', 2);
      }
      await call('PATCH', `/v1/control/residents/${encodeURIComponent(myNumber)}`, change);
    });
  resident
    .command('remove')
    .description('A death: the resident leaves the registry and their certificates are revoked')
    .argument('<myNumber>')
    .action((myNumber: string) =>
      call('DELETE', `/v1/control/residents/${encodeURIComponent(myNumber)}`),
    );
  jlis
    .command('certificate')
    .description("Change a card certificate's status")
    .argument('<serial>')
    .argument('<status>', 'valid, revoked or expired')
    .action((serial: string, status: string) =>
      call('PUT', `/v1/certificates/${encodeURIComponent(serial)}/status`, { status }),
    );
}
