import { describe, expect, it } from 'vitest';
import { STACK_APP_NAMES } from './commands/stack.js';
import { buildProgram } from './program.js';
import { STACK_COMPONENTS } from './stack/components.js';

describe('shikaku program', () => {
  it('has --help on every subcommand', () => {
    const program = buildProgram();
    expect(program.commands.length).toBeGreaterThan(0);
    for (const command of program.commands) {
      expect(command.helpInformation()).toContain(`Usage: shikaku ${command.name()}`);
      expect(command.description().length).toBeGreaterThan(10);
    }
  });

  it('names the stack apps of --only without loading them, in the components’ order', () => {
    expect([...STACK_APP_NAMES]).toEqual(STACK_COMPONENTS.map((c) => c.name));
  });

  it('rejects an unknown subcommand', async () => {
    const program = buildProgram();
    program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    await expect(program.parseAsync(['node', 'shikaku', 'nope'])).rejects.toThrow(
      /unknown command/,
    );
  });
});
