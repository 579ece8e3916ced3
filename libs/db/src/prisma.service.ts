import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { LOGGER } from '#observability';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';

type EventLog = [{ emit: 'event'; level: 'warn' }, { emit: 'event'; level: 'error' }];
type Options = Prisma.PrismaClientOptions & { log: EventLog };

/**
 * The process's Prisma client over a node-postgres pool. It disconnects in the last shutdown phase
 * (`onApplicationShutdown`), so role modules can still write while they drain.
 */
@Injectable()
export class PrismaService extends PrismaClient<Options> implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: Logger;

  constructor(
    @Inject(CONFIG) config: Pick<Config, 'databaseUrl' | 'instanceId'> & Partial<Pick<Config, 'databasePoolSize'>>,
    @Inject(LOGGER) logger: Logger,
  ) {
    super({
      adapter: new PrismaPg({
        connectionString: config.databaseUrl,
        ...(config.databasePoolSize === undefined ? {} : { max: config.databasePoolSize }),
        application_name: `s2-broker:${config.instanceId}`,
        // Without it a connection attempt to an unreachable host waits for the kernel's TCP timeout.
        connectionTimeoutMillis: 5_000,
      }),
      // Prisma's default waits 2 s for a pooled connection: a reconnect storm on a busy node would get
      // 500s that a few more seconds of queueing avoid.
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
      // As events, so that Prisma's own messages become JSON lines like everything else.
      log: [
        { emit: 'event', level: 'warn' },
        { emit: 'event', level: 'error' },
      ],
    });
    this.logger = logger.child({ component: 'postgres' });
    this.$on('warn', (event) => this.logger.warn({ target: event.target }, event.message));
    this.$on('error', (event) => this.logger.error({ target: event.target }, event.message));
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.$connect();
    } catch (error) {
      // Starting anyway keeps liveness up; readiness reports the database until it answers.
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ error: message }, 'postgres not reachable at start');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }

  /** Resolves when PostgreSQL answers `SELECT 1`; the caller bounds the wait. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
