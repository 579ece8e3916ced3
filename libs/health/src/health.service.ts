import { Injectable, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PrismaService } from '#db';
import { Metrics } from '#observability';
import { RedisService } from '#redis';
import { DrainService } from './drain.service.js';
import { withTimeout } from './with-timeout.js';

export type CheckState = 'up' | 'down';

export interface Readiness {
  ready: boolean;
  body: {
    status: 'ok' | 'unavailable';
    draining?: true;
    checks: { postgres: CheckState; redis: CheckState };
  };
}

/** A probe answers well within the kubelet's default one-second timeout only if each check is bounded. */
export const CHECK_TIMEOUT_MS = 900;

@Injectable()
export class HealthService {
  /** Each readiness probe's answer, for alerts: the kubelet probes every few seconds. 0 until the first. */
  private readonly readyGauge?: Gauge;
  private readonly dependencyGauge?: Gauge<'dependency'>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly drain: DrainService,
    @Optional() metrics?: Metrics,
  ) {
    if (metrics === undefined) return;
    this.readyGauge = new Gauge({
      name: 's2b_ready',
      help: 'Whether the last readiness check passed (1) or not (0): dependencies down or draining',
      registers: [metrics.registry],
    });
    this.readyGauge.set(0);
    this.dependencyGauge = new Gauge({
      name: 's2b_dependency_up',
      help: 'Whether the dependency answered the last readiness check (1) or not (0)',
      labelNames: ['dependency'] as const,
      registers: [metrics.registry],
    });
    // Read at scrape time: a draining replica's internal port answers to the end, so the drain shows.
    metrics.gaugeOf('s2b_draining', 'Whether this process is draining (1) after SIGTERM, or not (0)', () =>
      this.drain.draining ? 1 : 0,
    );
  }

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([check(() => this.prisma.ping()), check(() => this.redis.ping())]);
    const draining = this.drain.draining;
    const ready = postgres === 'up' && redis === 'up' && !draining;
    this.readyGauge?.set(ready ? 1 : 0);
    this.dependencyGauge?.set({ dependency: 'postgres' }, postgres === 'up' ? 1 : 0);
    this.dependencyGauge?.set({ dependency: 'redis' }, redis === 'up' ? 1 : 0);
    return {
      ready,
      body: {
        status: ready ? 'ok' : 'unavailable',
        ...(draining ? { draining: true as const } : {}),
        checks: { postgres, redis },
      },
    };
  }
}

async function check(ping: () => Promise<void>): Promise<CheckState> {
  try {
    await withTimeout(ping(), CHECK_TIMEOUT_MS);
    return 'up';
  } catch {
    return 'down';
  }
}
