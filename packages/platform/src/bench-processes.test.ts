import { expect, it } from 'vitest';
import { labelledPath, median, processCpuSeconds, processStat } from './bench-processes.js';

it('takes the middle value, or the mean of the middle two', () => {
  expect(median([5, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 2])).toBe(2.5);
});

it.runIf(process.platform === 'linux')(
  "reads this process's CPU time, which grows with work",
  () => {
    const before = processCpuSeconds(process.pid);
    const until = performance.now() + 50;
    while (performance.now() < until);
    expect(processCpuSeconds(process.pid)).toBeGreaterThan(before);
  },
);

it.runIf(process.platform === 'linux')("reads this process's parent", () => {
  expect(processStat(process.pid).ppid).toBe(process.ppid);
});

it('reads LABEL=PATH, or a bare path with the default label', () => {
  expect(labelledPath('before=/tmp/a=b/server.js', 'x')).toEqual({
    label: 'before',
    path: '/tmp/a=b/server.js',
  });
  expect(labelledPath('/tmp/server.js', 'server1')).toEqual({
    label: 'server1',
    path: '/tmp/server.js',
  });
});
