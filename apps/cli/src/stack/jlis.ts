import { buildApp } from '@shikaku/jlis/app';
import { readJlisConfig } from '@shikaku/jlis/config';
import { seedResidents } from '@shikaku/jlis/seed';
import type { StackComponent } from './component.js';

/** The J-LIS emulator in the stack: residents and certificates of the synthetic population. */
export const jlisComponent: StackComponent = {
  name: 'jlis',
  title: 'J-LIS emulator (resident registry, certificate status, fault injection)',
  portOffset: 3,
  async start(context, port) {
    const env = {
      SHIKAKU_SERVICE_KEY: context.secrets.serviceKey,
      JLIS_CONTROL_KEY: context.secrets.jlisControlKey,
      JLIS_CARD_KEY_SECRET: context.secrets.cardKeySecret,
    };
    const config = { ...readJlisConfig(env), host: context.host, port };
    const seeded = await context.phase('seed residents', () =>
      seedResidents(context.handle, context.population, context.clock.now()),
    );
    const app = await buildApp(config, {
      handle: context.handle,
      clock: context.clock,
      logger: context.logger,
    });
    const url = await app.listen({ host: context.host, port });
    return {
      url,
      notes: [
        `${seeded.residents} residents${seeded.seeded ? ' seeded' : ''}; docs ${url}/docs`,
        `faults: PUT ${url}/v1/control/faults {latencyMs, errorRate, down} with x-control-key: ${config.controlKey}`,
      ],
      close: () => app.close(),
    };
  },
};
