import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  listUndeliveredWebhooks,
  markWebhookDelivered,
} from '@shikaku/db/intermediate/notifications';
import type { Logger } from '@shikaku/platform/logger';

/** POSTs undelivered notifications to the insurers that set a webhook; retried on the next run. */
export async function deliverWebhooksOnce(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
}): Promise<{ delivered: number; failed: number }> {
  const pending = await listUndeliveredWebhooks(deps.handle, 100);
  let delivered = 0;
  let failed = 0;
  for (const item of pending) {
    try {
      const response = await fetch(item.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: item.id,
          insurerNumber: item.insurerNumber,
          qualificationId: item.qualificationId,
          kind: item.kind,
          message: item.message,
          createdAt: item.createdAt,
        }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 5_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      await markWebhookDelivered(deps.handle, item.id, deps.clock.now());
      delivered++;
    } catch (error) {
      failed++;
      deps.logger.warn({ notificationId: item.id, err: error }, 'webhook delivery failed');
    }
  }
  return { delivered, failed };
}
