import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'api/docs';

/** The REST API's OpenAPI document, generated from the controllers' decorators and the response entities. */
export function buildOpenApiDocument(app: INestApplication, publicUrl: string): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('cargohold REST API')
      .setDescription('GitLab-compatible /api/v4: identity, tokens and the container registry management API.')
      .setVersion('v4')
      .addServer(publicUrl)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN' }, 'private-token')
      .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearer')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'JOB-TOKEN' }, 'job-token')
      .addSecurityRequirements('private-token')
      .build(),
  );
}

/**
 * Serves the REST API's OpenAPI description at /api/docs (Swagger UI) and /api/docs-json. The document is built on
 * the first request, not at startup, and then cached. Call before `app.init()`, so the routes precede Nest's
 * not-found handler.
 */
export function setupOpenApi(app: INestApplication, publicUrl: string): void {
  let document: OpenAPIObject | undefined;
  const build = (): OpenAPIObject => (document ??= buildOpenApiDocument(app, publicUrl));
  SwaggerModule.setup(OPENAPI_PATH, app, build, { jsonDocumentUrl: `${OPENAPI_PATH}-json`, yamlDocumentUrl: `${OPENAPI_PATH}-yaml` });
}
