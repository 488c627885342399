import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { countResidents } from '@shikaku/db/jlis/residents';
import { generatePopulation } from '@shikaku/synth/population';
import { expect, it } from 'vitest';
import { seedResidents } from './seed.js';
import { TEST_CLOCK } from './testing/fixture.js';

const population = () => generatePopulation({ seed: 7, size: 50, asOf: '2021-07-15' });

describeEachDatabase('seedResidents, two seeders at once', ({ handle }) => {
  it('seeds once: the other finds the rows and writes nothing, without an error', async () => {
    const results = await Promise.all([
      seedResidents(handle(), population(), TEST_CLOCK.now()),
      seedResidents(handle(), population(), TEST_CLOCK.now()),
    ]);
    expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
    expect(results.map((r) => r.residents)).toEqual([50, 50]);
    expect(await countResidents(handle())).toBe(50);
    // A restart finds the registry seeded.
    expect(await seedResidents(handle(), population(), TEST_CLOCK.now())).toEqual({
      residents: 50,
      seeded: false,
    });
  });
});
