import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { apiTypesSource, offlineOpenApiDocument, WEB_SCHEMA_PATH } from './api-types';

/** `pnpm api-types`: writes the OpenAPI document (apps/api/dist/openapi.json) and regenerates the web UI's types from it. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '../../../..');
  const document = await offlineOpenApiDocument();
  const documentPath = resolve(root, 'apps/api/dist/openapi.json');
  mkdirSync(dirname(documentPath), { recursive: true });
  writeFileSync(documentPath, `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(resolve(root, WEB_SCHEMA_PATH), await apiTypesSource(document));
  process.stdout.write(`wrote ${documentPath} and ${WEB_SCHEMA_PATH}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`api-types: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
