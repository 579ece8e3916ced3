import { Module } from '@nestjs/common';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { OperatorGuard } from '../operator/operator.guard.js';
import { AcceptInvitation } from './accept-invitation.use-case.js';
import { AdminInvitationsController } from './admin-invitations.controller.js';
import { ConsoleSessionController } from './console-session.controller.js';
import { InviteUser } from './invite-user.use-case.js';
import { UserDirectory } from './user-directory.use-case.js';
import { UsersController } from './users.controller.js';

/** The console's people: sign-in, sessions, invitations, users. */
@Module({
  imports: [StoreModule, SecurityModule, TenantGuardModule],
  controllers: [ConsoleSessionController, UsersController, AdminInvitationsController],
  providers: [OperatorGuard, InviteUser, AcceptInvitation, UserDirectory],
  exports: [InviteUser],
})
export class ConsoleModule {}
