import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { type Config, ConfigModule } from '#config';
import { HealthModule } from '#health';
import { LoggerModule, MetricsModule } from '#observability';
import { roleModules } from './role-modules.js';

/**
 * The process's module tree: configuration, logging, metrics and health are always there, the role modules
 * only when ROLES names them, so that one image can run as any mix of gateway, api and worker.
 */
@Module({})
export class RootModule {
  static register(config: Config, logger: Logger): DynamicModule {
    return {
      module: RootModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        MetricsModule,
        HealthModule,
        ...roleModules(config.roles),
      ],
    };
  }
}
