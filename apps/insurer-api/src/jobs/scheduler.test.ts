import { describe, expect, it } from 'vitest';
import { controllableClock } from '@shikaku/core/clock';
import { createLogger } from '@shikaku/platform/logger';
import { every } from './scheduler.js';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('every', () => {
  it('an hourly job runs when the clock is moved past its hour, before the move answers', async () => {
    const clock = controllableClock(new Date('2021-07-15T00:00:00Z'), () => 0);
    let runs = 0;
    const job = every('rematch', 3_600_000, async () => void runs++, logger, clock);
    try {
      await clock.advance(59 * 60_000);
      expect(runs).toBe(0);
      await clock.advance(60_000);
      expect(runs).toBe(1);
      await clock.advance(24 * 3_600_000);
      expect(runs).toBe(2);
    } finally {
      await job.stop();
    }
    await clock.advance(3_600_000);
    expect(runs).toBe(2);
  });
});
