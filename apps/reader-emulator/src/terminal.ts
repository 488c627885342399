import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseScenario } from './scenario.js';
import { render, type View } from './tui-view.js';

/**
 * An interactive terminal for a running reader emulator (the stack's, or `node dist/server.js`):
 * it drives the HTTP control API, so what you type is what a scenario or a test would send.
 * `tui.js` runs it on stdin/stdout.
 */
const HELP = `commands:
  readers                      list the readers
  use <reader>                 drive another reader
  card <serial> [pin]          place a card (a new card gets the pin, default 1234)
  face <similarity>            show a face, similarity 0..1
  pin <nnnn>                   enter the PIN (3 wrong tries lock the card)
  visual yes|no                staff visual check
  consent <screen>=yes|no ...  answer the consent screens (all of them)
  register yes|no              answer the 保険証利用登録 offer
  remove                       take the card away
  threshold <0..1>             set the face threshold (no card on the reader)
  screens <screen,...>|none    set the consent screens the facility enables
  state                        show the reader
  run <scenario.yaml>          run a scripted scenario
  help | quit`;

const yes = (word: string | undefined) => word === 'yes' || word === 'y' || word === 'true';

export interface TerminalOptions {
  /** Base URL of a running reader emulator. */
  url: string;
  /** The reader to drive first; the first one listed when absent. */
  reader?: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Reads commands until `quit` or the end of input; every line printed goes to `output`. */
export async function runTerminal(options: TerminalOptions): Promise<void> {
  const base = options.url.replace(/\/$/, '');
  const print = (text: string) => options.output.write(`${text}\n`);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${String(data.code)}: ${String(data.message)}`);
    return data;
  };
  const list = (await call('GET', '/v1/readers')) as unknown as { readers: View[] };
  let reader = options.reader ?? list.readers[0]?.id;
  if (!reader) throw new Error('the emulator has no readers');
  const rl = createInterface({ input: options.input, output: options.output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  print(HELP);
  print(render((await call('GET', `/v1/readers/${reader}`)) as unknown as View));
  for (;;) {
    options.output.write('reader> ');
    const next = await lines.next();
    if (next.done) break; // input closed
    const line = String(next.value).trim();
    const [command, ...args] = line.split(/\s+/);
    const path = `/v1/readers/${reader}`;
    try {
      let view: unknown;
      switch (command) {
        case '':
          continue;
        case 'quit':
        case 'exit':
          rl.close();
          return;
        case 'help':
          print(HELP);
          continue;
        case 'readers': {
          const all = (await call('GET', '/v1/readers')) as unknown as { readers: View[] };
          for (const r of all.readers) print(`${r.id}: ${r.model.model} (${r.step})`);
          continue;
        }
        case 'use':
          reader = args[0] ?? reader;
          view = await call('GET', `/v1/readers/${reader}`);
          break;
        case 'card':
          // Without a serial there is nothing to place: say how, instead of asking the reader.
          if (!args[0]) {
            print('使い方: card <証明書シリアル番号> [暗証番号]（例: card REGISTERED-0001 4321）');
            continue;
          }
          view = await call('POST', `${path}/card`, {
            certificateSerial: args[0],
            ...(args[1] ? { pin: args[1] } : {}),
          });
          break;
        case 'face':
          view = await call('POST', `${path}/face`, { similarity: Number(args[0]) });
          break;
        case 'pin':
          view = await call('POST', `${path}/pin`, { pin: args[0] ?? '' });
          break;
        case 'visual':
          view = await call('POST', `${path}/visual`, { confirmed: yes(args[0]) });
          break;
        case 'consent':
          view = await call(
            'POST',
            `${path}/consents`,
            Object.fromEntries(args.map((a) => a.split('=')).map(([k, v]) => [k, yes(v)])),
          );
          break;
        case 'register':
          view = await call('POST', `${path}/registration`, { accept: yes(args[0]) });
          break;
        case 'remove':
          view = await call('DELETE', `${path}/card`);
          break;
        case 'threshold':
          view = await call('PUT', `${path}/settings`, { faceThreshold: Number(args[0]) });
          break;
        case 'screens':
          view = await call('PUT', `${path}/settings`, {
            enabledConsents: args[0] === 'none' ? [] : (args[0] ?? '').split(',').filter(Boolean),
          });
          break;
        case 'state':
          view = await call('GET', path);
          break;
        case 'run': {
          const parsed = parseScenario(await readFile(args[0] ?? '', 'utf8'));
          if (!parsed.ok) throw new Error(`${parsed.field}: ${parsed.message}`);
          print(JSON.stringify(await call('POST', '/v1/scenarios', parsed.scenario), null, 2));
          continue;
        }
        default:
          print(`unknown command ${command}; type help`);
          continue;
      }
      print(render(view as View));
    } catch (error) {
      print(`error: ${(error as Error).message}`);
    }
  }
  rl.close();
}
