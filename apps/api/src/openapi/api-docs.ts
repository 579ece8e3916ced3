import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { componentSchemas } from './components.js';

export const TENANT_SECURITY = 'tenantJwt';
export const OPERATOR_SECURITY = 'operatorToken';

/** Only the tenant and operator APIs: S2 Connect and health have their own specifications. */
const DOCUMENTED_PREFIXES = ['/api/v1/', '/admin/v1/'];

export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const OPENAPI_UI_PATH = 'api/docs';

/** The document of the app's `/api/v1` and `/admin/v1` routes, from their decorators. */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('s2-broker tenant and operator API')
    .setDescription(
      'The tenant API (`/api/v1`, a tenant JWT from `POST /api/v1/auth/token`) and the operator API ' +
        '(`/admin/v1`, the operator token, served on the internal port `INTERNAL_PORT` only: the public ' +
        'port answers it 404). Errors are `{statusCode, error, message}`.',
    )
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, TENANT_SECURITY)
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, OPERATOR_SECURITY)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    autoTagControllers: false,
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    // The router needs `:batch` escaped; the document shows the path as clients send it.
    const published = path.replaceAll('\\:', ':');
    if (DOCUMENTED_PREFIXES.some((prefix) => published.startsWith(prefix))) paths[published] = item;
  }
  return {
    ...document,
    paths,
    components: { ...document.components, schemas: { ...document.components?.schemas, ...componentSchemas() } },
  };
}

/**
 * `GET /api/openapi.json` and the Swagger UI at `/api/docs`, public, the document built once here. The
 * UI's assets come from the installed swagger-ui-dist: a broker may run without internet access.
 */
export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, buildApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 's2-broker API',
  });
}
