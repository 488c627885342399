import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { Logger } from '@shikaku/platform/logger';
import type { InsurerApiConfig } from './config.js';
import type { JlisClient } from './jlis-client.js';

/** What routes and jobs share; built once in buildApp. */
export interface InsurerApiContext {
  config: InsurerApiConfig;
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  jlis: JlisClient;
}
