import { Module } from '@nestjs/common';
import { ConnectStateModule } from '#connect-state';
import { EventsModule } from '#events';
import { RedisModule } from '#redis';
import { ReplicaBus } from '#cluster';
import { SessionAdmission } from '#cluster';
import { SessionDirectory } from '#cluster';
import { StoreModule } from '#store';
import { TenantAuthModule } from '#tenant-auth';
import { GatewayDrainService } from './gateway-drain.service.js';
import { PairingEventsConsumer } from './pairing-events.consumer.js';
import { ReaperService } from './reaper.service.js';
import { RouterService } from './router.service.js';
import { TenantEventsHandler } from './tenant-events.handler.js';
import { SessionEvents } from './session-events.js';
import { UpgradeListener } from './upgrade.listener.js';

/** The `gateway` role: RM sessions (`/s2/v1/ws`), CEM channels (`/cem/v1/ws`) and routing between replicas. */
@Module({
  imports: [RedisModule, StoreModule, ConnectStateModule, EventsModule, TenantAuthModule],
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
