import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';
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
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly drain: DrainService,
  ) {}

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([check(() => this.prisma.ping()), check(() => this.redis.ping())]);
    const draining = this.drain.draining;
    const ready = postgres === 'up' && redis === 'up' && !draining;
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
