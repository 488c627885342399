// DATABASE_READ_URL: eligibility lookups read from a streaming replica while it is fresh (the bound
// and why staleness is harmless there: packages/db/src/read-replica.ts); writes and the access log
// stay on the primary.
import type { DatabaseHandle } from '@shikaku/db/database';
import { withReadReplica } from '@shikaku/db/read-replica';
import type { Logger } from '@shikaku/platform/logger';
import type { EligibilityConfig } from './config.js';

export async function withConfiguredReplica(
  primary: DatabaseHandle,
  config: Pick<EligibilityConfig, 'databaseReadUrl' | 'databasePoolSize' | 'replicaMaxLagMs'>,
  logger: Logger,
): Promise<DatabaseHandle> {
  if (!config.databaseReadUrl || !primary.pool) return primary;
  const handle = await withReadReplica(primary, {
    url: config.databaseReadUrl,
    poolSize: config.databasePoolSize,
    maxLagMs: config.replicaMaxLagMs,
    onSwitch: ({ replica, lagMs }) =>
      logger.warn(
        { replica, lagMs },
        replica ? 'lookups read the replica' : 'lookups read the primary',
      ),
  });
  logger.info({ database: handle.description }, 'read replica configured');
  return handle;
}
