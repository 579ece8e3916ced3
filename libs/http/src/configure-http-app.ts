import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { HttpRequestLogger, Metrics } from '#observability';
import { bulkJsonBody } from './bulk-json-body.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { LENIENT_BODY_PATHS, lenientJsonBody } from './lenient-json-body.js';
import { StorableTextPipe } from './storable-text.js';

/**
 * What every HTTP-serving process (and every in-process test app) applies before listening: request
 * logging first, so that it sees every request, the error shape, and no NUL character past the edge.
 */
export function configureHttpApp(app: NestExpressApplication, logger: Logger): void {
  app.disable('x-powered-by');
  const metrics = metricsOf(app);
  app.use(new HttpRequestLogger(logger, metrics?.httpRequestSeconds).use);
  // Before Nest registers its JSON parser (in init), so these routes read their bodies first.
  app.use(LENIENT_BODY_PATHS, lenientJsonBody);
  app.use(bulkJsonBody);
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.useGlobalPipes(new StorableTextPipe());
}

/** In-process test apps may run without the metrics module. */
function metricsOf(app: NestExpressApplication): Metrics | undefined {
  try {
    return app.get(Metrics, { strict: false });
  } catch {
    return undefined;
  }
}
