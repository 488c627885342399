export { withDatabaseSharedModules as default } from '../../vitest.shared.ts';
