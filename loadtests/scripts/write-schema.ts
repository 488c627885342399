// Writes profiles/profile.schema.json from the TypeBox schema (editors validate profiles with it).
import { writeFile } from 'node:fs/promises';
import { ProfileFile, PROFILES_DIR } from '../src/profile.js';

await writeFile(
  new URL('profile.schema.json', PROFILES_DIR),
  `${JSON.stringify(ProfileFile, null, 2)}\n`,
);
