import type { Migration } from 'kysely';

/** Migrations of the `portal` schema, applied in key order. Never edit one that has shipped. */
export const portalMigrations: Record<string, Migration> = {};
