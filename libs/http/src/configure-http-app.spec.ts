import { Controller, Get, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsModule } from '#observability';
import { memoryLogger } from '#observability/testing';
import { configureHttpApp } from './configure-http-app.js';

@Controller('probe')
class ProbeController {
  @Get('bug')
  bug(): never {
    throw new Error('secret internals at db.internal:5432');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such thing');
  }

  @Get('item/:id')
  item(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({ imports: [MetricsModule], controllers: [ProbeController] })
class ProbeModule {}

describe('configureHttpApp', () => {
  const { logger, lines } = memoryLogger('info');
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(ProbeModule, new ExpressAdapter(), { logger: false });
    configureHttpApp(app, logger);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('hides an unexpected error behind a bare 500 and logs it with its stack', async () => {
    const response = await fetch(`${base}/probe/bug`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(text).not.toContain('secret internals');
    const logged = lines().find((line) => line.msg === 'unhandled error in HTTP handler');
    expect(JSON.stringify(logged)).toContain('secret internals');
    expect(JSON.stringify(logged)).toContain('"stack"');
  });

  it('passes an HttpException through in the error shape', async () => {
    const response = await fetch(`${base}/probe/missing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'no such thing' });
  });

  it('answers unknown routes in the error shape', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('logs each request without its query string', async () => {
    await fetch(`${base}/probe/missing?pairingCode=987654`);
    const line = lines().find((entry) => entry.msg === 'request' && entry.path === '/probe/missing');
    expect(line).toMatchObject({ method: 'GET', status: 404 });
    expect(JSON.stringify(lines())).not.toContain('987654');
  });

  it('serves Prometheus metrics with requests counted by route pattern, never by the ids in paths', async () => {
    const id = 'a1b2c3d4-0000-4000-8000-000000000001';
    expect((await fetch(`${base}/probe/item/${id}`)).status).toBe(200);
    await fetch(`${base}/probe/missing`);
    await fetch(`${base}/no/such/route`);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      's2b_http_request_duration_seconds_count{method="GET",route="/probe/item/:id",status="200"} 1',
    );
    expect(text).toMatch(
      /s2b_http_request_duration_seconds_count\{method="GET",route="\/probe\/missing",status="404"\} [1-9]/,
    );
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain(id);
    expect(text).toContain('s2b_process_cpu_seconds_total');
  });
});
