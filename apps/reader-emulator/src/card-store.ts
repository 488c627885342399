import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CardRecord } from './reader-machine.js';

/**
 * The emulated My Number cards the readers have seen: certificate serial, PIN and the PIN counter.
 * The counter and the lock live on the card, so they survive a reader restart: the file store
 * writes them to a JSON file (atomically, by rename).
 */
export interface CardStore {
  get(certificateSerial: string): Promise<CardRecord | undefined>;
  save(card: CardRecord): Promise<void>;
}

export function memoryCardStore(initial: CardRecord[] = []): CardStore {
  const cards = new Map(initial.map((card) => [card.certificateSerial, { ...card }]));
  return {
    get: async (serial) => {
      const card = cards.get(serial);
      return card ? { ...card } : undefined;
    },
    save: async (card) => {
      cards.set(card.certificateSerial, { ...card });
    },
  };
}

export function fileCardStore(path: string): CardStore {
  let cache: Map<string, CardRecord> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const load = async (): Promise<Map<string, CardRecord>> => {
    if (cache) return cache;
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as { cards?: CardRecord[] };
      cache = new Map((parsed.cards ?? []).map((card) => [card.certificateSerial, card]));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      cache = new Map();
    }
    return cache;
  };

  return {
    get: async (serial) => {
      const card = (await load()).get(serial);
      return card ? { ...card } : undefined;
    },
    save: async (card) => {
      const cards = await load();
      cards.set(card.certificateSerial, { ...card });
      const body = JSON.stringify({ cards: [...cards.values()] }, null, 2);
      writing = writing.then(async () => {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(`${path}.tmp`, body);
        await rename(`${path}.tmp`, path);
      });
      await writing;
    },
  };
}

/**
 * The municipal office's reset (市区町村窓口での暗証番号の初期化): the card's lock and PIN counter are
 * cleared and, when given, a new PIN is set. Undefined for a card no reader has seen.
 */
export async function unlockCard(
  store: CardStore,
  certificateSerial: string,
  newPin?: string,
): Promise<CardRecord | undefined> {
  const card = await store.get(certificateSerial);
  if (!card) return undefined;
  const reset: CardRecord = {
    ...card,
    failedPinAttempts: 0,
    locked: false,
    ...(newPin ? { pin: newPin } : {}),
  };
  await store.save(reset);
  return reset;
}
