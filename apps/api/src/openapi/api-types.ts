import { execFile } from 'node:child_process';
import { NestFactory } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@cargohold/config';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument } from './openapi-docs';

/**
 * The web UI's API types (apps/web/src/api/schema.d.ts) come from the OpenAPI document the api serves, so the two
 * cannot drift: `pnpm api-types` writes them, and api-types.spec.ts fails when the committed file is stale.
 */
export const WEB_SCHEMA_PATH = 'apps/web/src/api/schema.d.ts';

/** Fixed so that the document does not depend on the machine's environment (the server URL is all config adds). */
const OFFLINE_ENV = { PUBLIC_URL: 'http://localhost:5000' };

/**
 * The document, built without a running server: Nest's preview mode resolves the modules and reads the controllers'
 * metadata without instantiating a provider, so nothing connects to PostgreSQL, Redis or storage.
 */
export async function offlineOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(ApiModule.forRoot(loadConfig(OFFLINE_ENV, false)), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app, OFFLINE_ENV.PUBLIC_URL);
  } finally {
    await app.close();
  }
}

const HEADER = `/**
 * Generated from the api's OpenAPI document by \`pnpm api-types\` (openapi-typescript): do not edit.
 * apps/api/src/openapi/api-types.spec.ts fails when this file is stale.
 */

`;

/**
 * openapi-typescript runs in a child Node process: its CommonJS build require()s ESM-only dependencies, which Node
 * (20.19+) loads but jest's module system does not, and the spec must produce exactly what `pnpm api-types` writes.
 * The document goes in on stdin, the declarations come out on stdout.
 */
const CONVERT = `
const { default: openapiTS, astToString } = require(process.argv[1]);
let input = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => (input += chunk)).on('end', async () => {
  const ast = await openapiTS(JSON.parse(input), { alphabetize: true });
  process.stdout.write(astToString(ast));
});`;

/** The TypeScript declarations for a document, as committed. */
export async function apiTypesSource(document: OpenAPIObject): Promise<string> {
  const declarations = await new Promise<string>((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', CONVERT, require.resolve('openapi-typescript')], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`openapi-typescript failed: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin?.end(JSON.stringify(document));
  });
  return HEADER + declarations;
}
