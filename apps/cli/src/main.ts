#!/usr/bin/env node
import { buildProgram } from './program.js';
import { exitWithError } from './output.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  exitWithError(error, process.argv.includes('--json'));
}
