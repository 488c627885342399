import { createHmac } from 'node:crypto';
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { claimDueWebhooks, recordWebhookAttempt } from '@shikaku/db/intermediate/notifications';
import type { Logger } from '@shikaku/platform/logger';

/** Attempts per notification before it is given up (listed as abandoned). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 3_600_000;
/** Deliveries claimed at a time; the lease covers each of them timing out, twice over. */
const CLAIM_BATCH = 10;
const CLAIMS_PER_RUN = 10;

/** The wait after failed attempt `n` (1-based): 10 s × 2^(n−1), at most an hour. */
export function webhookBackoffMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
}

/**
 * `x-shikaku-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`:
 * the receiver recomputes it and refuses an old `t` (replays).
 */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * POSTs due notifications to the insurers that set a webhook, signed when the webhook has a
 * secret; a failure is tried again after a backoff (by the clock) and given up after
 * WEBHOOK_MAX_ATTEMPTS; every attempt is recorded with its outcome.
 */
export async function deliverWebhooksOnce(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
}): Promise<{ delivered: number; failed: number }> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  let delivered = 0;
  let failed = 0;
  // Claimed with a lease (instances deliver disjoint notifications); a killed instance's claim
  // lapses and another delivers it with the same x-shikaku-delivery id, so a receiver that saw
  // it already can tell.
  for (let claim = 0; claim < CLAIMS_PER_RUN; claim++) {
    const pending = await claimDueWebhooks(deps.handle, {
      now: deps.clock.now(),
      leaseMs: 2 * CLAIM_BATCH * timeoutMs,
      limit: CLAIM_BATCH,
    });
    if (pending.length === 0) break;
    for (const item of pending) {
      const attempt = item.attempts + 1;
      const body = JSON.stringify({
        id: item.id,
        insurerNumber: item.insurerNumber,
        qualificationId: item.qualificationId,
        kind: item.kind,
        message: item.message,
        createdAt: item.createdAt,
      });
      const sentAt = deps.clock.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(item.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shikaku-delivery': `${item.id}-${attempt}`,
            ...(item.webhookSecret
              ? { 'x-shikaku-signature': signWebhook(item.webhookSecret, body, sentAt) }
              : {}),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        statusCode = response.status;
        if (!response.ok) error = `answered ${response.status}`;
      } catch (err) {
        error = err instanceof Error ? err.name : 'error';
      }
      const at = deps.clock.now();
      if (error === null) {
        delivered++;
      } else {
        failed++;
        deps.logger.warn({ notificationId: item.id, attempt, error }, 'webhook delivery failed');
      }
      const abandoned = error !== null && attempt >= WEBHOOK_MAX_ATTEMPTS;
      await recordWebhookAttempt(deps.handle, {
        notificationId: item.id,
        insurerNumber: item.insurerNumber,
        attempt,
        url: item.webhookUrl,
        outcome: error === null ? 'delivered' : abandoned ? 'abandoned' : 'failed',
        statusCode,
        error,
        attemptedAt: at,
        nextAttemptAt:
          error === null || abandoned ? null : new Date(at.getTime() + webhookBackoffMs(attempt)),
      });
    }
  }
  return { delivered, failed };
}
