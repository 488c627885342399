import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

describe('shikaku program', () => {
  it('has --help on every subcommand', () => {
    const program = buildProgram();
    expect(program.commands.length).toBeGreaterThan(0);
    for (const command of program.commands) {
      expect(command.helpInformation()).toContain(`Usage: shikaku ${command.name()}`);
      expect(command.description().length).toBeGreaterThan(10);
    }
  });

  it('rejects an unknown subcommand', async () => {
    const program = buildProgram();
    program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    await expect(program.parseAsync(['node', 'shikaku', 'nope'])).rejects.toThrow(
      /unknown command/,
    );
  });
});
