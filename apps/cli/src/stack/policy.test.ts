import { describe, expect, it } from 'vitest';
import { createLogger } from '@shikaku/platform/logger';
import { parsePolicyOption } from '../commands/options.js';
import { insurerApiComponent } from './insurer-api.js';
import { jlisComponent } from './jlis.js';
import { type StackOptions, startStack } from './run-stack.js';

const options = (asOf: string, policy?: string): StackOptions => ({
  host: '127.0.0.1',
  basePort: 0,
  asOf,
  policy,
  seed: 5,
  members: 20,
  dataDir: `/tmp/shikaku-policy-stack-test-${process.pid}`,
  memory: true,
  databaseUrl: undefined,
  only: undefined,
  logger: createLogger({ name: 'stack', level: 'silent' }),
});

describe('the stack says which rules are in force', () => {
  it.each([
    [
      '2021-07-15',
      undefined,
      'policy 2021-06 in force from 2021-06-30 (picked by the date 2021-07-15)',
    ],
    [
      '2023-05-01',
      undefined,
      'policy 2023-04 in force from 2023-04-14 (picked by the date 2023-05-01)',
    ],
    [
      '2024-06-01',
      undefined,
      'policy 2024-05 in force from 2024-05-01 (picked by the date 2024-06-01)',
    ],
    [
      '2025-01-15',
      undefined,
      'policy 2024-12 in force from 2024-12-02 (picked by the date 2025-01-15)',
    ],
    [
      '2025-12-02',
      undefined,
      'policy 2024-12 in force from 2024-12-02 (picked by the date 2025-12-02)',
    ],
    ['2024-06-01', 'seed', 'policy 2021-06 in force from 2021-06-30 (pinned with --policy)'],
  ])(
    'as of %s with --policy %s',
    async (asOf, policy, note) => {
      const stack = await startStack([jlisComponent, insurerApiComponent], options(asOf, policy));
      try {
        const insurer = stack.components.find((c) => c.name === 'insurer-api')!;
        expect(insurer.notes[1]).toContain(note);
        expect(stack.policy.source).toBe(policy === undefined ? 'date' : 'pinned');
      } finally {
        await stack.close();
      }
    },
    60_000,
  );

  it('refuses an unknown policy by name, before anything starts', async () => {
    await expect(startStack([jlisComponent], options('2024-06-01', '2024'))).rejects.toThrow(
      /unknown policy "2024"; one of 2021-03, 2021-06, 2023-04, 2024-05, 2024-12, seed, current/,
    );
    expect(() => parsePolicyOption('newest')).toThrow(/unknown policy "newest"/);
    expect(parsePolicyOption('2024-05')).toBe('2024-05');
  });
});
