import { buildClockControlApp } from '@shikaku/platform/clock-control';
import type { StackComponent } from './component.js';

/**
 * The stack's clock under control: `GET /v1/clock`, `POST /v1/clock/advance {by | to}` with
 * x-control-key (`shikaku clock show|advance`). Every app holds the same clock, so a move reaches
 * them all at once: consents expire, the reader deadline job and the re-match come due.
 */
export const clockControlComponent: StackComponent = {
  name: 'clock',
  title: 'Stack clock control (advance the clock; due jobs run)',
  portOffset: 5,
  async start(context, port) {
    const app = buildClockControlApp({
      clock: context.clock,
      controlKey: context.secrets.clockControlKey,
      logger: context.logger,
    });
    const url = await app.listen({ host: context.host, port });
    return {
      url,
      notes: [
        `now ${context.clock.now().toISOString()}; GET ${url}/v1/clock`,
        `advance: shikaku clock --url ${url} advance 24h --control-key ${context.secrets.clockControlKey}`,
      ],
      close: () => app.close(),
    };
  },
};
