import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { LOGGER } from '#observability';
import { CONFIG, type Config } from '#config';
import { ReplicaRegistry } from '#cluster';
import { CLOSE } from './limits.js';
import { GatewayNode } from './routing/gateway-node.js';
import { closeRm } from './routing/placement.js';
import { closeSocket } from './sockets/sockets.js';

/**
 * On SIGTERM (readiness is already false and upgrades are refused): RM sessions are closed at a
 * bounded rate (DRAIN_RATE per second) with SessionRequest RECONNECT and 1012, so that their reconnections do not land on
 * the other replicas all at once; messages still on their way are given time to settle; CEM channels
 * close last, their sessions moving to the tenant's channels on other replicas.
 */
@Injectable()
export class GatewayDrainService implements BeforeApplicationShutdown {
  private readonly logger: Logger;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly node: GatewayNode,
    private readonly registry: ReplicaRegistry,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'drain' });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const { hub } = this.node;
    const rms = hub.rms();
    this.logger.info({ sessions: rms.length, channels: hub.channelCount }, 'draining');
    // For the operator's view only: a Redis that does not answer must not hold the drain up.
    await this.registry.markDraining(this.node.replicaId).catch(() => undefined);
    const batch = Math.max(1, Math.floor(this.config.drainRate / 10));
    for (let i = 0; i < rms.length; i += batch) {
      for (const rm of rms.slice(i, i + batch)) closeRm(rm, CLOSE.serviceRestart, 'server restarting', 'RECONNECT');
      await sleep(100);
    }
    await this.settled(() => hub.rmCount === 0 && this.node.pendingDeliveries === 0, 5_000);
    for (const channel of hub.channels()) closeSocket(channel.socket, CLOSE.serviceRestart, 'server restarting');
    await this.settled(() => hub.channelCount === 0, 5_000);
    // The last session.closed and rebinding messages are on their way out through Redis.
    await sleep(200);
    this.logger.info('drained');
  }

  private async settled(done: () => boolean, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done() && Date.now() < until) await sleep(50);
  }
}
