import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@shikaku/platform/logger';
import type { StackComponent } from './component.js';
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

const OPTIONS: StackOptions = {
  host: '127.0.0.1',
  basePort: 0,
  asOf: '2021-07-15',
  seed: 1,
  members: 10,
  dataDir: '/tmp/shikaku-stack-test',
  memory: true,
  databaseUrl: undefined,
  only: undefined,
  logger: createLogger({ name: 'test', level: 'silent' }),
};

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
});
