// `s2-broker serve`: runs the roles named in ROLES in one process, until SIGTERM or SIGINT.
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { type Config, ConfigError, loadConfig } from '#config';
import { DrainService } from '#health';
import { configureHttpApp, type InternalListener, listenInternal, splitSurfaces } from '#http';
import { createLogger, type Logger, NestLogger } from '#observability';
import { serveApiDocs, serveConsole } from '#api';
import { httpsOptions } from '../serve/https-options.js';
import { RootModule } from '../serve/root.module.js';
import { ShutdownSignal } from '../serve/shutdown-signal.js';

const USAGE = `usage: s2-broker serve

Runs the broker roles named in ROLES (gateway,api,worker; all by default) until SIGTERM or SIGINT.
Configuration comes from the environment: DATABASE_URL, REDIS_URL, PUBLIC_URL, PORT, INTERNAL_PORT, ROLES,
OPERATOR_TOKEN, JWT_SECRET, SECRETS_KEYS, JWT_TTL_SECONDS, PAIRING_CODE_TTL_SECONDS, PAIRING_TOKEN_LENGTH, LOG_LEVEL,
INSTANCE_ID, TLS_CERT_FILE, TLS_KEY_FILE, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_BASE_MS,
WEBHOOK_BACKOFF_MAX_MS, WEBHOOK_TIMEOUT_MS, WEBHOOK_ALLOW_HTTP.
`;

// After a close nothing should hold the event loop; if something does (a leak, or a connection opened
// by a half-built app), a pod that never exits would sit out the whole termination grace period.
const EXIT_GRACE_MS = 5_000;

export async function serveCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`s2-broker serve: unexpected argument '${argv[0]}'\n${USAGE}`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`s2-broker serve: ${error.message}\n`);
    return 1;
  }

  const logger = createLogger({ level: config.logLevel, instanceId: config.instanceId });
  // Nest's enableShutdownHooks() is deliberately not used: it re-raises the signal after closing (exit
  // code 143 instead of 0) and gives no moment to turn readiness off first. app.close() below runs the
  // same lifecycle hooks.
  const shutdown = new ShutdownSignal(['SIGTERM', 'SIGINT']);
  try {
    const started = await start(config, logger);
    if (started === null) {
      guardExit(logger);
      return 1;
    }
    const { app, internal } = started;
    const signal = await shutdown.received;
    logger.info({ signal }, 'draining');
    app.get(DrainService).start();
    await app.close();
    // Last: until the sessions are drained the probes must still hear "draining", not a refused connection.
    await internal.close();
    logger.info('stopped');
    guardExit(logger);
    return 0;
  } finally {
    shutdown.dispose();
  }
}

interface Started {
  app: NestExpressApplication;
  internal: InternalListener;
}

/** Connections the kernel queues for the public port before the process accepts them. */
const LISTEN_BACKLOG = 4096;

async function start(config: Config, logger: Logger): Promise<Started | null> {
  let app: NestExpressApplication | undefined;
  let internal: InternalListener | undefined;
  try {
    const tls = httpsOptions(config.tls);
    app = await NestFactory.create<NestExpressApplication>(RootModule.register(config, logger), new ExpressAdapter(), {
      logger: new NestLogger(logger),
      // Fail with an error we can log and turn into an exit code, instead of Nest calling process.exit.
      abortOnError: false,
      httpsOptions: tls,
    });
    configureHttpApp(app, logger);
    splitSurfaces(app);
    if (config.roles.includes('api')) {
      serveApiDocs(app, config.publicUrl);
      serveConsole(app);
    }
    // Node's default backlog (511) overflows in a reconnect storm: the kernel drops the connections past
    // it and the devices wait out TCP's retransmission backoff (1, 3, 7, 15 s...) before any process
    // sees them. The kernel caps it at net.core.somaxconn.
    // Nest types the port as a number; it hands whatever it gets to Node's listen, which takes options.
    await app.listen({ port: config.port, backlog: LISTEN_BACKLOG } as unknown as number);
    // Last: a probe that answers means the public port already takes devices and tenants.
    internal = await listenInternal(app, config.internalPort, tls);
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    await app?.close().catch(() => undefined);
    await internal?.close();
    return null;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info(
    { port, internalPort: internal.port, roles: config.roles, tls: config.tls !== null, publicUrl: config.publicUrl },
    'listening',
  );
  return { app, internal };
}

function guardExit(logger: Logger): void {
  setTimeout(() => {
    logger.warn({ resources: process.getActiveResourcesInfo() }, 'still running after shutdown; exiting');
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}
