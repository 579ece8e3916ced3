import { Module } from '@nestjs/common';
import { PairingsModule } from './pairings/pairings.module.js';
import { S2ConnectModule } from './s2-connect/s2-connect.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CemNodesModule } from './cem-nodes/cem-nodes.module.js';
import { OperatorModule } from './operator/operator.module.js';
import { ServiceAccountsModule } from './service-accounts/service-accounts.module.js';
import { AuditModule } from './audit/audit.module.js';
import { RmPairingModule } from './rm-pairing/rm-pairing.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { RateLimitModule } from './rate-limit/rate-limits.js';
import { ConsoleModule } from './console/console.module.js';
import { OperatorViewModule } from './operator-view/operator-view.module.js';
import { HistoryModule } from './history/history.module.js';

/** The `api` role: S2 Connect pairing and session HTTP endpoints, tenant and operator APIs. */
@Module({
  imports: [
    RateLimitModule,
    OperatorModule,
    AuthModule,
    CemNodesModule,
    S2ConnectModule,
    PairingsModule,
    ServiceAccountsModule,
    AuditModule,
    RmPairingModule,
    SessionsModule,
    WebhooksModule,
    ConsoleModule,
    OperatorViewModule,
    HistoryModule,
  ],
})
export class ApiModule {}
