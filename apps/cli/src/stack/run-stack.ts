import { mkdir } from 'node:fs/promises';
import { jstDate } from '@shikaku/core/clock';
import { choosePolicy, policyEraNames } from '@shikaku/core/policy-eras';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import type { Logger } from '@shikaku/platform/logger';
import { stackClock } from '@shikaku/platform/system-clock';
import type { ControllableClock } from '@shikaku/core/clock';
import type { StackComponent, StackContext, StartedComponent } from './component.js';
import { makeStackSecrets, type StackSecrets } from './secrets.js';

export interface StackOptions {
  host: string;
  basePort: number;
  asOf: string | undefined;
  /** Pins the mis-entry rules to a named era (core's POLICY_ERAS); by default the date picks. */
  policy?: string | undefined;
  seed: number;
  members: number;
  dataDir: string;
  /** Keep the embedded database in memory instead of dataDir. */
  memory: boolean;
  databaseUrl: string | undefined;
  only: string[] | undefined;
  logger: Logger;
  /** The apps' x-service-key (SHIKAKU_SERVICE_KEY); a random one when absent. */
  serviceKey?: string | undefined;
  /** Told before each app starts (seeding a fresh database takes a while): progress for people. */
  onStarting?: (component: StackComponent) => void;
}

export interface RunningStack {
  database: string;
  /** The stack's database, for tests that inspect what each app stored (apps never share it). */
  readonly handle: DatabaseHandle;
  /** What the apps run with: the service key is printed, tests call internal endpoints with it. */
  readonly secrets: StackSecrets;
  /** The stack's one clock (the clock control moves it; tests may too). */
  readonly clock: ControllableClock;
  /** The rules in force when the stack started, and whether the date or --policy chose them. */
  readonly policy: StackPolicy;
  components: Array<{ name: string; title: string } & StartedComponent>;
  close(): Promise<void>;
}

export interface StackPolicy {
  name: string;
  from: string;
  title: string;
  source: 'date' | 'pinned';
}

/** Opens the database, migrates it, and starts the components in order. */
export async function startStack(
  components: readonly StackComponent[],
  options: StackOptions,
): Promise<RunningStack> {
  // One clock for every app, so they agree on "now" and move together.
  const clock = stackClock(options.asOf);
  const startDate = jstDate(clock.now());
  const choice = choosePolicy(startDate, options.policy);
  if (!choice) {
    throw new Error(
      `unknown policy ${JSON.stringify(options.policy)}; one of ${policyEraNames().join(', ')}`,
    );
  }
  const policy: StackPolicy = {
    name: choice.era.name,
    from: choice.era.from,
    title: choice.era.title,
    source: choice.source,
  };
  await mkdir(options.dataDir, { recursive: true });
  const secrets = await makeStackSecrets({
    dataDir: options.dataDir,
    persistent: Boolean(options.databaseUrl) || !options.memory,
    serviceKey: options.serviceKey,
  });
  const handle = await openDatabase(
    options.databaseUrl
      ? { url: options.databaseUrl }
      : { pgliteDir: options.memory ? undefined : join(options.dataDir, 'pglite') },
  );
  await migrateToLatest(handle);
  const started: RunningStack['components'] = [];
  const urls: Record<string, string> = {};
  const close = async () => {
    for (const component of [...started].reverse()) await component.close();
    await handle.close();
  };
  try {
    for (const component of components) {
      if (options.only && !options.only.includes(component.name)) continue;
      const context: StackContext = {
        handle,
        clock,
        asOf: options.asOf,
        policy: options.policy,
        seed: options.seed,
        members: options.members,
        host: options.host,
        dataDir: options.dataDir,
        logger: options.logger.child({ app: component.name }),
        secrets,
        urls: { ...urls },
      };
      // --port 0 gives every app a free port (tests, several stacks side by side).
      const port = options.basePort === 0 ? 0 : options.basePort + component.portOffset;
      options.onStarting?.(component);
      const result = await component.start(context, port);
      urls[component.name] = result.url;
      started.push({ name: component.name, title: component.title, ...result });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    database: handle.description,
    handle,
    secrets,
    policy,
    clock,
    components: started,
    close,
  };
}
