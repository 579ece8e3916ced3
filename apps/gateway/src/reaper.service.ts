import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '#observability';
import { RedisService } from '#redis';
import { ReplicaBus, clusterKeys } from '#cluster';
import { GatewayNode } from './routing/gateway-node.js';

const SWEEP_MS = 2_000;

/** Cleans up after replicas that died without saying so (kill -9, a lost node): one reaper each. */
@Injectable()
export class ReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(
    private readonly bus: ReplicaBus,
    private readonly node: GatewayNode,
    private readonly redis: RedisService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'reaper' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      for (const replica of await this.bus.deadReplicas()) {
        const claimed = await this.redis.client.set(
          clusterKeys.reaperLock(replica),
          this.bus.replicaId,
          'PX',
          30_000,
          'NX',
        );
        if (claimed !== 'OK') continue;
        this.logger.warn({ deadReplica: replica }, 'reaping a replica that stopped');
        await this.node.reap(replica);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'reaper sweep failed');
    }
  }
}
