import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '#observability';
import { Clock, UserRepository } from '#store';
import { PeriodicTask } from '../periodic-task.js';

const SWEEP_MS = 3_600_000;
/**
 * An expired invitation is kept a day: whoever opens its link then is told it expired (410) rather
 * than that it is unknown (400), and asks for a new one.
 */
const KEEP_EXPIRED_MS = 24 * 3_600_000;

/** Removes console invitations nobody can use any more: at start, then every hour. */
@Injectable()
export class InvitationSweepService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new PeriodicTask(SWEEP_MS, () => this.sweep());
  private readonly logger: Logger;

  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'invitation-sweep' });
  }

  onApplicationBootstrap(): void {
    this.task.start({ runNow: true });
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  private async sweep(): Promise<void> {
    try {
      const removed = await this.users.deleteExpiredInvitations(new Date(this.clock.now().getTime() - KEEP_EXPIRED_MS));
      if (removed > 0) this.logger.info({ removed }, 'expired invitations removed');
    } catch (error) {
      this.logger.warn({ err: error }, 'invitation sweep failed');
    }
  }
}
