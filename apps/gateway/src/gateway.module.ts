import { Module } from '@nestjs/common';
import {
  RedisReplicaBus,
  RedisSessionDirectory,
  ReplicaBus,
  ReplicaRegistry,
  SessionAdmission,
  SessionDirectory,
} from '#cluster';
import { ConnectStateModule } from '#connect-state';
import { EventsModule } from '#events';
import { RedisModule } from '#redis';
import { PairingRepository, StoreModule } from '#store';
import { TenantAuthModule } from '#tenant-auth';
import { BrokerEventsConsumer } from './broker-events.consumer.js';
import { RecentRemovals } from './recent-removals.js';
import { GatewayDrainService } from './gateway-drain.service.js';
import { ReaperService } from './reaper.service.js';
import { GatewayNode } from './routing/gateway-node.js';
import { RedisMessageObserver } from './inspection/redis-message-observer.js';
import { MessageObserver, PairingLookup, SessionEventSink } from './routing/ports.js';
import { SessionEvents } from './session-events.js';
import { TenantEventsHandler } from './tenant-events.handler.js';
import { UpgradeListener } from './upgrade.listener.js';

/** The `gateway` role: RM sessions (`/s2/v1/ws`), CEM channels (`/cem/v1/ws`) and routing between replicas. */
@Module({
  imports: [RedisModule, StoreModule, ConnectStateModule, EventsModule, TenantAuthModule],
  providers: [
    { provide: ReplicaBus, useClass: RedisReplicaBus },
    { provide: SessionDirectory, useClass: RedisSessionDirectory },
    { provide: PairingLookup, useExisting: PairingRepository },
    { provide: SessionEventSink, useClass: SessionEvents },
    { provide: MessageObserver, useClass: RedisMessageObserver },
    GatewayNode,
    UpgradeListener,
    BrokerEventsConsumer,
    RecentRemovals,
    ReaperService,
    GatewayDrainService,
    ReplicaRegistry,
    SessionAdmission,
    TenantEventsHandler,
  ],
})
export class GatewayModule {}
