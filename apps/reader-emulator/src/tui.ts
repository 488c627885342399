#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runTerminal } from './terminal.js';

/**
 * The reader's terminal UI on stdin/stdout:
 *
 *   node apps/reader-emulator/dist/tui.js --url http://127.0.0.1:7304 [--reader clinic]
 */
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:7304' },
    reader: { type: 'string' },
  },
});
await runTerminal({
  url: values.url!,
  reader: values.reader,
  input: process.stdin,
  output: process.stdout,
});
