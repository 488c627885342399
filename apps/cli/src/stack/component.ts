import type { ControllableClock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { Logger } from '@shikaku/platform/logger';
import type { SyntheticPerson } from '@shikaku/synth/population';
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
  /**
   * The synthetic population (seed, members, as-of date), generated on first use and then shared
   * by every app that seeds from it; never generated when nothing iterates it (a restart). Iterate
   * it while starting only: the stack drops it once every app has started.
   */
  population: Iterable<SyntheticPerson>;
  /**
   * Whether a fresh stack bulk-loads its seed: eligibility-api loads insurer-api's freshly seeded
   * outbox in one statement in the shared database (`seedHandOff`) instead of relaying it page by
   * page over HTTP. Both end the same (stack/seed-equivalence.test.ts).
   */
  bulkSeed: boolean;
  seedHandOff: SeedHandOff;
  /** Runs one step of an app's start, timed, with a progress line for people before it. */
  phase<T>(name: string, step: () => Promise<T>): Promise<T>;
  host: string;
  /** Where apps may keep files (the reader's request/response folders, uploads). */
  dataDir: string;
  /**
   * The database outlives this run (a PGlite folder or a PostgreSQL server): credentials the stack
   * hands out are kept in the data dir and reused on restart while the database still accepts them.
   */
  persistent: boolean;
  logger: Logger;
  /** Random per run (the apps have no default secrets). */
  secrets: StackSecrets;
  /** URLs of the components started before this one, by name: apps talk over HTTP. */
  urls: Readonly<Record<string, string>>;
}

/** What one app's seeding tells another's (the stack composes them). */
export interface SeedHandOff {
  /**
   * insurer-api seeded an empty intermediate server in this start: its whole outbox is the seed,
   * which eligibility-api loads into its empty store in one `insert … select` in the same database.
   */
  seededOutbox?: boolean;
}

export interface StartedComponent {
  url: string;
  /** Lines printed under the URL: credentials made, docs pages, folders watched. */
  notes: string[];
  /** Settles when the work the app started in the background (after listening) is done. */
  settled?: Promise<void>;
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
