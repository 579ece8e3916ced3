import { Module } from '@nestjs/common';
import { SessionDirectoryModule } from '#cluster';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { GetRm } from './get-rm.use-case.js';
import { ListSessions } from './list-sessions.use-case.js';
import { RmsController, SessionsController } from './sessions.controller.js';

/** The tenant API's view of live sessions and RMs, read from the session directory in Redis. */
@Module({
  imports: [StoreModule, TenantGuardModule, SessionDirectoryModule],
  controllers: [SessionsController, RmsController],
  providers: [ListSessions, GetRm],
})
export class SessionsModule {}
