import { Module } from '@nestjs/common';
import { ConnectStateModule } from '../../../libs/connect-state/src/connect-state.module.js';
import { RedisModule } from '../../../libs/redis/src/redis.module.js';
import { ReplicaBus } from '../../../libs/routing/src/replica-bus.js';
import { SessionAdmission } from '../../../libs/routing/src/session-admission.js';
import { SessionDirectory } from '../../../libs/routing/src/session-directory.js';
import { StoreModule } from '../../../libs/store/src/store.module.js';
import { TenantAuthModule } from '../../api/src/auth/tenant-auth.module.js';
import { GatewayDrainService } from './gateway-drain.service.js';
import { PairingEventsConsumer } from './pairing-events.consumer.js';
import { ReaperService } from './reaper.service.js';
import { RouterService } from './router.service.js';
import { TenantEventsHandler } from './tenant-events.handler.js';
import { SessionEvents } from './session-events.js';
import { UpgradeListener } from './upgrade.listener.js';

/** The `gateway` role: RM sessions (`/s2/v1/ws`), CEM channels (`/cem/v1/ws`) and routing between replicas. */
@Module({
  imports: [RedisModule, StoreModule, ConnectStateModule, TenantAuthModule],
  providers: [
    ReplicaBus,
    SessionDirectory,
    RouterService,
    SessionEvents,
    UpgradeListener,
    PairingEventsConsumer,
    ReaperService,
    GatewayDrainService,
    SessionAdmission,
    TenantEventsHandler,
  ],
})
export class GatewayModule {}
