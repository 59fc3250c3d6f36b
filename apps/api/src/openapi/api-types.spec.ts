import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiTypesSource, offlineOpenApiDocument, WEB_SCHEMA_PATH } from './api-types';

/**
 * The web UI's committed API types must be what the api's OpenAPI document generates now: a presenter, entity or
 * route that changed without `pnpm api-types` fails here, in CI, before the UI can drift from the server.
 */
describe('web API types (apps/web/src/api/schema.d.ts)', () => {
  it('match the OpenAPI document the api serves', async () => {
    const document = await offlineOpenApiDocument();
    const committed = readFileSync(resolve(__dirname, '../../../..', WEB_SCHEMA_PATH), 'utf8');
    const generated = await apiTypesSource(document);
    if (generated !== committed) throw new Error(`${WEB_SCHEMA_PATH} is stale: run \`pnpm api-types\` and commit the result`);
  });

  it('describe the responses the web UI reads', async () => {
    const document = await offlineOpenApiDocument();
    const response = (path: string, method: 'get' | 'post') => document.paths[path]?.[method]?.responses;
    expect(response('/api/v4/projects/{id}/registry/repositories/{repository_id}/tags/{tag_name}/manifest', 'get')?.['200']).toEqual({
      description: '',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/TagManifestEntity' } } },
    });
    expect(document.components?.schemas?.DescriptorEntity).toMatchObject({ required: ['digest', 'media_type', 'size'] });
  });
});
