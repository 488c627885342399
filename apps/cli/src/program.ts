import { Command } from 'commander';
import { registerCitizenCommand } from './commands/citizen.js';
import { registerClockCommand, registerRematchCommand } from './commands/clock.js';
import { registerCopayCommand } from './commands/copay.js';
import { registerJlisCommand } from './commands/jlis.js';
import { registerLoadtestCommand } from './commands/loadtest.js';
import { registerPractitionerCommand } from './commands/practitioner.js';
import { registerReaderCommand } from './commands/reader.js';
import { registerSimCommand } from './commands/sim.js';
import { registerStackCommand } from './commands/stack.js';
import { registerSubsidyCommand } from './commands/subsidy.js';
import { registerSynthCommand } from './commands/synth.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerWarekiCommand } from './commands/wareki.js';

/** The `shikaku` command: one entry point for every user job. Each subcommand lives in commands/. */
export function buildProgram(): Command {
  const program = new Command('shikaku')
    .description(
      'Emulate, simulate and load-test the Online Eligibility Confirmation system (オンライン資格確認等システム)',
    )
    .showHelpAfterError()
    .exitOverride();
  registerStackCommand(program);
  registerValidateCommand(program);
  registerSubsidyCommand(program);
  registerCopayCommand(program);
  registerWarekiCommand(program);
  registerLoadtestCommand(program);
  registerReaderCommand(program);
  registerJlisCommand(program);
  registerCitizenCommand(program);
  registerPractitionerCommand(program);
  registerClockCommand(program);
  registerRematchCommand(program);
  registerSynthCommand(program);
  registerSimCommand(program);
  return program;
}
