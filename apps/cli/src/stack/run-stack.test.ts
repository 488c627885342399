import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@shikaku/platform/logger';
import type { StackComponent } from './component.js';
import { DATA_DIR_LOCK_FILE } from './data-dir-lock.js';
import { type StackOptions, startStack } from './run-stack.js';

function httpComponent(name: string, offset: number, events: string[]): StackComponent {
  return {
    name,
    title: name.toUpperCase(),
    portOffset: offset,
    async start(context, port) {
      events.push(`start ${name} sees ${Object.keys(context.urls).join(',') || 'nothing'}`);
      const server = createServer((_req, res) => res.end(name));
      await new Promise<void>((done) => server.listen(port, context.host, done));
      const { port: bound } = server.address() as AddressInfo;
      return {
        url: `http://${context.host}:${bound}`,
        notes: [`as of ${context.asOf}`],
        close: async () => {
          events.push(`close ${name}`);
          await new Promise((done) => server.close(done));
        },
      };
    },
  };
}

let OPTIONS: StackOptions;
beforeAll(async () => {
  OPTIONS = {
    host: '127.0.0.1',
    basePort: 0,
    asOf: '2021-07-15',
    seed: 1,
    members: 10,
    // Its own folder: a stack holds its data dir, and other test runs may be going.
    dataDir: await mkdtemp(join(tmpdir(), 'run-stack-')),
    memory: true,
    databaseUrl: undefined,
    only: undefined,
    logger: createLogger({ name: 'test', level: 'silent' }),
  };
});
afterAll(async () => {
  await rm(OPTIONS.dataDir, { recursive: true, force: true });
});

describe('startStack', () => {
  it('starts components in order on their ports, passes earlier URLs on, closes in reverse', async () => {
    const events: string[] = [];
    const stack = await startStack(
      [httpComponent('jlis', 0, events), httpComponent('portal', 1, events)],
      {
        ...OPTIONS,
        onStarting: (component) => events.push(`starting ${component.name}`),
      },
    );
    expect(stack.database).toBe('pglite:memory');
    expect(stack.components.map((c) => c.name)).toEqual(['jlis', 'portal']);
    const body = await (await fetch(stack.components[1]!.url)).text();
    expect(body).toBe('portal');
    expect(stack.components[0]!.notes).toEqual(['as of 2021-07-15']);
    await stack.close();
    expect(events).toEqual([
      'starting jlis',
      'start jlis sees nothing',
      'starting portal',
      'start portal sees jlis',
      'close portal',
      'close jlis',
    ]);
  });

  it('drops the shared population once every app has started', async () => {
    let population: Iterable<unknown> | undefined;
    // Two apps seed from one generation; iterating after the start generates it anew.
    const seeding = (name: string): StackComponent => ({
      name,
      title: name,
      portOffset: 0,
      async start(context) {
        population = context.population;
        expect([...context.population]).toHaveLength(10);
        return { url: name, notes: [], close: async () => {} };
      },
    });
    const stack = await startStack([seeding('jlis'), seeding('insurer-api')], OPTIONS);
    const generated = () => stack.timings.filter((t) => t.name === 'generate population').length;
    try {
      expect(generated()).toBe(1);
      expect([...population!]).toHaveLength(10);
      expect(generated()).toBe(2);
    } finally {
      await stack.close();
    }
  });

  it('refuses a second stack on its data dir until it closes, and frees it when a start fails', async () => {
    const events: string[] = [];
    const first = await startStack([httpComponent('jlis', 0, events)], OPTIONS);
    try {
      await expect(startStack([httpComponent('portal', 1, events)], OPTIONS)).rejects.toMatchObject(
        { code: 'DATA_DIR_IN_USE', message: expect.stringContaining(`pid ${process.pid}`) },
      );
      // Refused before it started anything.
      expect(events).toEqual(['start jlis sees nothing']);
    } finally {
      await first.close();
    }
    expect(await readdir(OPTIONS.dataDir)).not.toContain(DATA_DIR_LOCK_FILE);
    const failing: StackComponent = {
      name: 'jlis',
      title: 'J-LIS',
      portOffset: 0,
      start: () => Promise.reject(new Error('no port')),
    };
    await expect(startStack([failing], OPTIONS)).rejects.toThrow('no port');
    expect(await readdir(OPTIONS.dataDir)).not.toContain(DATA_DIR_LOCK_FILE);
  });
});
