import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseScenario } from './scenario.js';
import { render, type View } from './tui-view.js';

/**
 * An interactive terminal for a running reader emulator (the stack's, or `node dist/server.js`):
 * it drives the HTTP control API, so what you type is what a scenario or a test would send.
 * `tui.js` runs it on stdin/stdout.
 */
const HELP = `コマンド:
  readers                      カードリーダーの一覧
  use <reader>                 操作するカードリーダーを切り替える
  card <serial> [pin]          カードを置く（初めてのカードは暗証番号 pin、既定 1234）
  face <similarity>            顔を向ける（類似度 0～1）
  pin <nnnn> [device|terminal] 暗証番号を入力する（3回間違えるとロック）。入力装置のない機種は terminal（資格確認端末）
  visual yes|no                職員の目視確認
  consent <screen>=yes|no ...  同意画面に回答する（表示されるすべて）
  register yes|no              健康保険証の利用登録に回答する
  remove                       カードを取る
  unlock <serial> [new-pin]    ロックされたカードを解除する（市区町村窓口での初期化）
  threshold <0..1>             顔認証の基準（カードがないとき）
  screens <screen,...>|none    施設が表示する同意画面
  state                        カードリーダーの状態
  run <scenario.yaml>          シナリオを実行する
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
          for (const r of all.readers) print(`${r.id}: ${r.model.model}（${r.screen.title}）`);
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
          view = await call('POST', `${path}/pin`, {
            pin: args[0] ?? '',
            ...(args[1] === 'device' || args[1] === 'terminal' ? { on: args[1] } : {}),
          });
          break;
        case 'unlock': {
          if (!args[0]) {
            print(
              '使い方: unlock <証明書シリアル番号> [新しい暗証番号]（例: unlock REGISTERED-0003 5678）',
            );
            continue;
          }
          const card = await call('POST', `/v1/cards/${encodeURIComponent(args[0])}/unlock`, {
            ...(args[1] ? { newPin: args[1] } : {}),
          });
          print(
            `カード ${String(card.certificateSerial)} のロックを解除しました（暗証番号の残り回数 ${String(card.pinTriesLeft)}）`,
          );
          continue;
        }
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
          print(`${command} というコマンドはありません。help で一覧を表示します`);
          continue;
      }
      print(render(view as View));
    } catch (error) {
      print(`エラー: ${(error as Error).message}`);
    }
  }
  rl.close();
}
