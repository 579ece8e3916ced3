import { Module } from '@nestjs/common';
import { SessionDirectoryModule } from '../../../../libs/routing/src/session-directory.module.js';
import { StoreModule } from '../../../../libs/store/src/store.module.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { GetRm } from './get-rm.use-case.js';
import { ListSessions } from './list-sessions.use-case.js';
import { RmsController, SessionsController } from './sessions.controller.js';

/** The tenant API's view of live sessions and RMs, read from the session directory in Redis. */
@Module({
  imports: [StoreModule, TenantAuthModule, SessionDirectoryModule],
  controllers: [SessionsController, RmsController],
  providers: [ListSessions, GetRm],
})
export class SessionsModule {}
