import type { Migration } from 'kysely';

/** Migrations of the `intermediate` schema, applied in key order. Never edit one that has shipped. */
export const intermediateMigrations: Record<string, Migration> = {};
