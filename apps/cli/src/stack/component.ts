import type { ControllableClock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { Logger } from '@shikaku/platform/logger';
import type { StackSecrets } from './secrets.js';

/** What the stack hands every app it starts. */
export interface StackContext {
  handle: DatabaseHandle;
  /**
   * The stack's one clock, shared by every app: moved forward over the clock control
   * (`shikaku clock advance 24h`); jobs register on it to run when a move makes them due.
   */
  clock: ControllableClock;
  /** The --as-of date (YYYY-MM-DD) when given. */
  asOf: string | undefined;
  /** --policy: pins the mis-entry rules to a named era; undefined lets the date pick. */
  policy: string | undefined;
  /** Seed of the synthetic data, so a stack can be rebuilt exactly. */
  seed: number;
  /** Synthetic population size to seed when the database is empty. */
  members: number;
  host: string;
  /** Where apps may keep files (the reader's request/response folders, uploads). */
  dataDir: string;
  logger: Logger;
  /** Random per run (the apps have no default secrets). */
  secrets: StackSecrets;
  /** URLs of the components started before this one, by name: apps talk over HTTP. */
  urls: Readonly<Record<string, string>>;
}

export interface StartedComponent {
  url: string;
  /** Lines printed under the URL: credentials made, docs pages, folders watched. */
  notes: string[];
  close(): Promise<void>;
}

/** One app as the stack starts it. Components start in list order and close in reverse. */
export interface StackComponent {
  name: string;
  title: string;
  /** Port = --port + offset. */
  portOffset: number;
  start(context: StackContext, port: number): Promise<StartedComponent>;
}
