import type { Migration } from 'kysely';

/** Migrations of the `jlis` schema, applied in key order. Never edit one that has shipped. */
export const jlisMigrations: Record<string, Migration> = {};
