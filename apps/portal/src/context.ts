import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { PortalConfig } from './config.js';
import type { SessionOptions } from './auth/session.js';
import type { ReceiptStore } from './subsidy/receipt-store.js';
import type { EligibilityCredentialsClient } from './usage/eligibility-client.js';

/** What every route module gets: config and dependencies, passed explicitly (no singletons). */
export interface PortalContext {
  config: PortalConfig;
  handle: DatabaseHandle;
  clock: Clock;
  eligibility: EligibilityCredentialsClient;
  receipts: ReceiptStore;
  sessions: SessionOptions;
}
