import type { Clock } from '@shikaku/core/clock';
import type { Logger } from '@shikaku/platform/logger';
import type { ReaderConfig } from './config.js';
import type { CardStore } from './card-store.js';
import { type EligibilityClient, httpEligibilityClient } from './eligibility-client.js';
import { FileInterface } from './file-interface.js';
import { Reader } from './reader.js';
import { findReaderModel } from './reader-models.js';

/**
 * The readers and their terminals' file interfaces, built from config. Start and stop come as a
 * pair; the HTTP app closes the emulator when it closes.
 */
export interface Emulator {
  readers: ReadonlyMap<string, Reader>;
  /** The cards the readers have seen (their PIN counters and locks). */
  cards: CardStore;
  terminals: ReadonlyMap<string, FileInterface>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmulatorDeps {
  cards: CardStore;
  clock: Clock;
  logger?: Logger;
  /** The eligibility-api client of one reader; HTTP to `eligibilityUrl` by default. */
  eligibilityFor?: (reader: ReaderConfig) => EligibilityClient;
  eligibilityUrl?: string;
  pollMs?: number;
  settleMs?: number;
}

export function createEmulator(configs: readonly ReaderConfig[], deps: EmulatorDeps): Emulator {
  const readers = new Map<string, Reader>();
  const terminals = new Map<string, FileInterface>();
  for (const config of configs) {
    const model = findReaderModel(config.modelId);
    if (!model) throw new Error(`reader ${config.id}: unknown model ${config.modelId}`);
    if (readers.has(config.id)) throw new Error(`reader ${config.id} is configured twice`);
    const eligibility =
      deps.eligibilityFor?.(config) ??
      httpEligibilityClient({
        baseUrl: deps.eligibilityUrl ?? 'http://127.0.0.1:7302',
        clientId: config.clientId,
        clientSecret: config.clientSecret,
      });
    const terminal = new FileInterface({
      requestDir: config.requestDir,
      responseDir: config.responseDir,
      medicalInstitutionCode: config.institutionCode,
      eligibility,
      clock: deps.clock,
      logger: deps.logger?.child({ reader: config.id }),
      pollMs: deps.pollMs,
      settleMs: deps.settleMs,
    });
    const reader = new Reader(
      config.id,
      config.institutionCode,
      {
        model,
        faceThreshold: config.faceThreshold ?? model.defaultFaceThreshold,
        enabledConsents: config.enabledConsents,
      },
      {
        cards: deps.cards,
        eligibility,
        clock: deps.clock,
        logger: deps.logger?.child({ reader: config.id }),
        onConfirmation: async (_reader, confirmation, at) => {
          await terminal.writeFaceConfirmation(confirmation, at);
        },
      },
    );
    readers.set(config.id, reader);
    terminals.set(config.id, terminal);
  }
  return {
    readers,
    cards: deps.cards,
    terminals,
    async start() {
      for (const terminal of terminals.values()) await terminal.start();
    },
    async stop() {
      for (const terminal of terminals.values()) await terminal.stop();
    },
  };
}
