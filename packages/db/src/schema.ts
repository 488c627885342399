// The whole database as Kysely sees it. Each app owns one PostgreSQL schema; its tables are
// declared in that schema's folder and keyed 'schema.table' so a query names its owner.
import type { EligibilityTables } from './eligibility/tables.js';
import type { IntermediateTables } from './intermediate/tables.js';
import type { JlisTables } from './jlis/tables.js';
import type { PortalTables } from './portal/tables.js';

export type Database = IntermediateTables & EligibilityTables & PortalTables & JlisTables;

export const SCHEMAS = ['jlis', 'intermediate', 'eligibility', 'portal'] as const;
export type SchemaName = (typeof SCHEMAS)[number];
