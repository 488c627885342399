import { PassThrough } from 'node:stream';
import { Command } from 'commander';

type CommandIo = { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };

/**
 * Runs one `shikaku` command in-process as a user would type it: `register` adds the command to
 * a fresh program, `input` is what the user types, and the answer is everything it printed.
 */
export async function runCommand(
  register: (program: Command, io: CommandIo) => void,
  argv: string[],
  input = '',
): Promise<string> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const program = new Command('shikaku').exitOverride();
  const stdin = new PassThrough();
  stdin.end(input);
  register(program, { input: stdin, output });
  await program.parseAsync(['node', 'shikaku', ...argv]);
  return text;
}
