// Writes the OpenAPI document (apps/eligibility-api/openapi.json) from the routes' schemas:
//   node apps/eligibility-api/dist/write-openapi.js apps/eligibility-api/openapi.json
import { writeFile } from 'node:fs/promises';
import { buildDocumentationApp } from './docs-app.js';

const out = process.argv[2] ?? 'openapi.json';
const { app, close } = await buildDocumentationApp();
await writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await close();
