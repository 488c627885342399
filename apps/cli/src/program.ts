import { Command } from 'commander';
import { registerStackCommand } from './commands/stack.js';

/** The `shikaku` command: one entry point for every user job. Each subcommand lives in commands/. */
export function buildProgram(): Command {
  const program = new Command('shikaku')
    .description(
      'Emulate, simulate and load-test the Online Eligibility Confirmation system (オンライン資格確認等システム)',
    )
    .showHelpAfterError()
    .exitOverride();
  registerStackCommand(program);
  return program;
}
