import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { componentSchemas } from './components.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../console/session-cookie.js';

export const TENANT_SECURITY = 'tenantJwt';
export const OPERATOR_SECURITY = 'operatorToken';
export const CONSOLE_SECURITY = 'consoleSession';

/** Only the tenant and operator APIs: S2 Connect and health have their own specifications. */
const DOCUMENTED_PREFIXES = ['/api/v1/', '/admin/v1/'];

export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const OPENAPI_UI_PATH = 'api/docs';

const LICENSE = { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' };

/**
 * The document of the app's `/api/v1` and `/admin/v1` routes, from their decorators; its one server is
 * the broker's `PUBLIC_URL`, so that clients generated from it call the broker that served it.
 */
export function buildApiDocument(app: INestApplication, publicUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('s2-broker tenant and operator API')
    .setDescription(
      'The tenant API (`/api/v1`, a tenant JWT from `POST /api/v1/auth/token`) and the operator API ' +
        '(`/admin/v1`, the operator token, served on the internal port `INTERNAL_PORT` only: the public ' +
        'port answers it 404). Errors are `{statusCode, error, message}`.',
    )
    .setVersion('v1')
    .setLicense(LICENSE.name, LICENSE.url)
    .addServer(publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, TENANT_SECURITY)
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, OPERATOR_SECURITY)
    .addCookieAuth(
      SESSION_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        description: `The console's session (\`POST /api/v1/console/session\`); every request but GET and HEAD also sends \`${CSRF_HEADER}\``,
      },
      CONSOLE_SECURITY,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    autoTagControllers: false,
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    // The router needs `:batch` escaped; the document shows the path as clients send it.
    const published = path.replaceAll('\\:', ':');
    if (DOCUMENTED_PREFIXES.some((prefix) => published.startsWith(prefix))) paths[published] = withOpenSecurity(item);
  }
  return {
    ...document,
    paths,
    components: { ...document.components, schemas: { ...document.components?.schemas, ...componentSchemas() } },
  };
}

type PathItemObject = OpenAPIObject['paths'][string];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

// Authentication comes with the controller kinds (`TenantApiController` and `OperatorApiController`
// guard and document it together), so an operation without a requirement has no guard: it says so
// with an empty one, which readers of the document cannot otherwise tell from a forgotten one.
function withOpenSecurity(item: PathItemObject): PathItemObject {
  const result: PathItemObject = { ...item };
  for (const method of METHODS) {
    const operation = result[method];
    if (operation !== undefined && operation.security === undefined) result[method] = { ...operation, security: [] };
  }
  return result;
}

/**
 * `GET /api/openapi.json` and the Swagger UI at `/api/docs`, public, the document built once here. The
 * UI's assets come from the installed swagger-ui-dist: a broker may run without internet access.
 */
export function serveApiDocs(app: INestApplication, publicUrl: string): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, buildApiDocument(app, publicUrl), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 's2-broker API',
  });
}
