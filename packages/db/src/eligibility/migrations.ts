import type { Migration } from 'kysely';

/** Migrations of the `eligibility` schema, applied in key order. Never edit one that has shipped. */
export const eligibilityMigrations: Record<string, Migration> = {};
