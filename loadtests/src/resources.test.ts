import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createResourceSampler } from './resources.js';

describe('createResourceSampler', () => {
  it('answers at once: the /proc readings and a database probe run in the background, never awaited by the runner', async () => {
    // A probe whose server never answers (a starved database) must not hold up a sample.
    const sampler = createResourceSampler({
      targetPid: process.pid,
      dbConnections: () => new Promise<number>(() => undefined),
    });
    try {
      const first = await Promise.race([
        sampler.sample(1),
        sleep(500).then(() => 'held up' as const),
      ]);
      expect(first).not.toBe('held up');
      // The reader thread's figures arrive within a few of its one-second readings.
      let sample = await sampler.sample(2);
      for (let i = 0; i < 50 && sample.machineCpuPercent === undefined; i++) {
        await sleep(100);
        sample = await sampler.sample(3 + i);
      }
      expect(sample.machineCpuPercent).toBeGreaterThanOrEqual(0);
      expect(sample.targetRssMb).toBeGreaterThan(0);
      expect(sample.dbConnections).toBeUndefined();
      expect(sample.runnerEventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    } finally {
      sampler.stop();
    }
  });
});
