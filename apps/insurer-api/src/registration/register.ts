import type { DatabaseHandle } from '@shikaku/db/database';
import {
  findHistory,
  type SaveResult,
  saveRegistrations,
} from '@shikaku/db/intermediate/registrations';
import { type ClassifiedRegistration, type ClassifyContext, classifyBatch } from './classify.js';
import type { ValidRegistration } from './validate.js';

export interface BatchResult {
  classified: ClassifiedRegistration[];
  saved: SaveResult;
}

/**
 * Registers a batch of validated registrations: reads the history of their My Numbers, classifies
 * each with the core rule, and writes them with their notifications, J-LIS checks and outbox
 * events in one transaction. Used by the single registration (a batch of one) and bulk files.
 */
export async function registerBatch(
  handle: DatabaseHandle,
  items: ReadonlyArray<{ value: ValidRegistration; line: number | null }>,
  context: ClassifyContext,
  at: Date,
): Promise<BatchResult> {
  const history = await findHistory(
    handle,
    items.map((i) => i.value.myNumber),
  );
  const classified = classifyBatch(items, history, context);
  const saved = await saveRegistrations(
    handle,
    classified.map((c) => c.write),
    at,
  );
  return { classified, saved };
}
