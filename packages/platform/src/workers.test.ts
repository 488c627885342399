import { describe, expect, it } from 'vitest';
import { compiledWorker } from './workers.js';

describe('compiledWorker', () => {
  it('takes a worker beside a source module from the dist build', () => {
    expect(compiledWorker('file:///repo/apps/a/src/bulk/pool.ts', 'chunk.worker.js').filename).toBe(
      '/repo/apps/a/dist/bulk/chunk.worker.js',
    );
    expect(compiledWorker('file:///repo/packages/m/src/pool.ts', 'm.worker.js').filename).toBe(
      '/repo/packages/m/dist/m.worker.js',
    );
  });

  it('takes a worker beside a compiled module from beside it', () => {
    expect(
      compiledWorker('file:///repo/apps/a/dist/bulk/pool.js', 'chunk.worker.js').filename,
    ).toBe('/repo/apps/a/dist/bulk/chunk.worker.js');
  });
});
