import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ScenarioReport } from '@shikaku/reader-emulator/scenario';
import { CliError } from '../output.js';

const DEFAULT_URL = 'http://127.0.0.1:7304';

/**
 * `shikaku reader`: the face-auth card reader's terminal UI against a running emulator (the
 * stack's by default), and `shikaku reader run <files…>` for scripted scenarios.
 */
export function registerReaderCommand(
  program: Command,
  io: {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
  } = { input: process.stdin, output: process.stdout },
): void {
  const reader = program
    .command('reader')
    .description('Drive the face-authentication card reader emulator from the terminal')
    .option('--url <url>', 'the reader emulator', DEFAULT_URL)
    .option('--reader <id>', 'the reader to drive first (hospital, clinic, dental, pharmacy)')
    .action(async (options: { url: string; reader?: string }) => {
      // The emulator's modules load only when the command runs (`shikaku --help` stays light).
      const { runTerminal } = await import('@shikaku/reader-emulator/terminal');
      await runTerminal({ url: options.url, reader: options.reader, ...io }).catch(
        (error: Error) => {
          throw new CliError('READER_UNREACHABLE', `${options.url}: ${error.message}`);
        },
      );
    });

  reader
    .command('run')
    .description(
      'Run scenario files (YAML or JSON step lists) against the emulator; exit 1 on a failure',
    )
    .argument('<files...>', 'scenario files, e.g. apps/reader-emulator/scenarios/*.yaml')
    .option('--json', 'print one report object per scenario')
    .action(async (files: string[], runOptions: { json?: boolean }) => {
      // --url belongs to `reader`, so it may stand before or after `run`.
      const options = { ...reader.opts<{ url: string }>(), ...runOptions };
      const { parseScenario } = await import('@shikaku/reader-emulator/scenario');
      let failed = 0;
      for (const file of files) {
        const parsed = parseScenario(await readFile(file, 'utf8'));
        if (!parsed.ok) {
          throw new CliError('INVALID_SCENARIO', `${file}: ${parsed.field}: ${parsed.message}`, 2);
        }
        const response = await fetch(`${options.url.replace(/\/$/, '')}/v1/scenarios`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(parsed.scenario),
        }).catch((error: Error) => {
          throw new CliError('READER_UNREACHABLE', `${options.url}: ${error.message}`);
        });
        const report = (await response.json()) as ScenarioReport;
        if (!response.ok)
          throw new CliError('SCENARIO_REFUSED', `${file}: ${JSON.stringify(report)}`);
        if (!report.passed) failed += 1;
        io.output.write(
          options.json
            ? `${JSON.stringify({ file, ...report })}\n`
            : report.passed
              ? `✓ ${report.name} (${file})\n`
              : `✗ ${report.name} (${file}): step ${report.failure?.index}: ${report.failure?.message}\n`,
        );
      }
      if (failed > 0)
        throw new CliError('SCENARIO_FAILED', `${failed} of ${files.length} scenarios failed`);
    });
}
