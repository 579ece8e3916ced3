import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { LOGGER, Metrics } from '#observability';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';
import { countPoolErrors } from './pool-errors.js';

type PoolSettings =
  'databasePoolSize' | 'databaseConnectTimeoutMs' | 'databaseIdleTimeoutMs' | 'databaseStatementTimeoutMs';

type EventLog = [{ emit: 'event'; level: 'warn' }, { emit: 'event'; level: 'error' }];
type Options = Prisma.PrismaClientOptions & { log: EventLog };

/**
 * The process's Prisma client over a node-postgres pool. It disconnects in the last shutdown phase
 * (`onApplicationShutdown`), so role modules can still write while they drain.
 */
@Injectable()
export class PrismaService extends PrismaClient<Options> implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: Logger;
  /** The pool under Prisma, shared by `prepared`. */
  private readonly pool: pg.Pool;

  constructor(
    @Inject(CONFIG) config: Pick<Config, 'databaseUrl' | 'instanceId'> & Partial<Pick<Config, PoolSettings>>,
    @Inject(LOGGER) logger: Logger,
    @Optional() metrics?: Metrics,
  ) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      ...(config.databasePoolSize === undefined ? {} : { max: config.databasePoolSize }),
      ...(config.databaseIdleTimeoutMs === undefined ? {} : { idleTimeoutMillis: config.databaseIdleTimeoutMs }),
      // 0 would be node-postgres's "no timeout", not PostgreSQL's.
      ...(config.databaseStatementTimeoutMs ? { statement_timeout: config.databaseStatementTimeoutMs } : {}),
      application_name: `s2-broker:${config.instanceId}`,
      // Without it a connection attempt to an unreachable host waits for the kernel's TCP timeout.
      connectionTimeoutMillis: config.databaseConnectTimeoutMs ?? 5_000,
    });
    if (metrics) countPoolErrors(pool, (kind) => metrics.postgresErrors.inc({ kind }));
    // An idle connection that PostgreSQL drops (a restart) is an 'error' on the pool: unhandled, it
    // would end the process; the next query opens a new connection.
    pool.on('error', () => undefined);
    super({
      adapter: new PrismaPg(pool),
      // Prisma's default waits 2 s for a pooled connection: a reconnect storm on a busy node would get
      // 500s that a few more seconds of queueing avoid.
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
      // As events, so that Prisma's own messages become JSON lines like everything else.
      log: [
        { emit: 'event', level: 'warn' },
        { emit: 'event', level: 'error' },
      ],
    });
    this.pool = pool;
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
    await this.pool.end().catch(() => undefined);
  }

  /**
   * One statement as a named prepared statement, straight on node-postgres: for the queries of every
   * session start, where Prisma's query layer cost five times the client CPU of the driver alone
   * (bench/README.md, "Session start"). `text` must be the same for every call with that `name`.
   */
  async prepared<Row>(name: string, text: string, values: readonly unknown[]): Promise<Row[]> {
    const result = await this.pool.query<Row & pg.QueryResultRow>({ name, text, values: values as unknown[] });
    return result.rows;
  }

  /** Resolves when PostgreSQL answers `SELECT 1`; the caller bounds the wait. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
