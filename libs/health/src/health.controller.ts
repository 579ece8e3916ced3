import { Controller, Get, Header, Res } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { HealthService } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Up while the event loop turns: a failing liveness probe restarts the pod, so it checks nothing else. */
  @Get('live')
  @Header('cache-control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: ServerResponse): Promise<void> {
    const { ready, body } = await this.health.readiness();
    send(res, ready ? 200 : 503, body);
  }
}

// Written directly: the 503 carries the checks, which the global error filter's shape has no room for.
function send(res: ServerResponse, status: number, body: object): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}
