import { Controller, Get, Global, Module, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Metrics } from './metrics.js';

/**
 * `GET /metrics` in Prometheus text format. Not authenticated, like the health probes: keep it off the
 * public ingress and let Prometheus scrape the pods directly.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  async scrape(@Res() res: ServerResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.statusCode = 200;
    res.setHeader('content-type', this.metrics.registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(text);
  }
}

@Global()
@Module({ controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
