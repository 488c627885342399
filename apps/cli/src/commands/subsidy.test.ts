import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSubsidyCommand } from './subsidy.js';

async function run(args: string[]) {
  let out = '';
  const program = new Command('shikaku').exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerSubsidyCommand(program, (text) => {
    out += text;
  });
  await program.parseAsync(['node', 'shikaku', 'subsidy', ...args]);
  return out;
}

describe('shikaku subsidy', () => {
  it('¥429,000 at a clinic gives ¥321,000', async () => {
    const out = await run(['--facility', 'clinic', '--cost', '429,000']);
    expect(out).toContain('subsidy ¥321,000');
    expect(out).toContain('rate 3/4');
  });

  it.each([
    [['--facility', 'hospital', '--readers', '3', '--cost', '5000000'], 951_000],
    [['--facility', 'hospital', '--cost', '1000000'], 500_000],
    [['--facility', 'large-chain-pharmacy', '--readers', '1', '--cost', '429000'], 214_000],
    [['--facility', 'pharmacy', '--cost', '100001'], 75_000],
  ])('--json %j → %i', async (args, subsidy) => {
    const result = JSON.parse(await run([...args, '--json'])) as { subsidy: number };
    expect(result.subsidy).toBe(subsidy);
  });

  it('gives the full breakdown in JSON', async () => {
    expect(
      JSON.parse(
        await run(['--facility', 'hospital', '--readers', '2', '--cost', '3000000', '--json']),
      ),
    ).toEqual({
      facility: 'hospital',
      readers: 2,
      cost: 3_000_000,
      eligibleCost: 2_002_000,
      projectCostCap: 2_002_000,
      rate: '1/2',
      subsidyCap: 1_001_000,
      subsidy: 1_001_000,
    });
  });

  it('refuses a reader count the table has no row for', async () => {
    await expect(
      run(['--facility', 'clinic', '--readers', '2', '--cost', '1']),
    ).rejects.toMatchObject({
      code: 'INVALID_SUBSIDY_INPUT',
    });
  });

  it.each([
    [['--facility', 'spa', '--cost', '1']],
    [['--facility', 'clinic']],
    [['--cost', '1']],
    [['--facility', 'clinic', '--cost', 'lots']],
  ])('usage error for %j', async (args) => {
    await expect(run(args)).rejects.toMatchObject({ name: 'CommanderError' });
  });
});
