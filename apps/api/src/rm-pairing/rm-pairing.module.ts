import { Module } from '@nestjs/common';
import { EventsModule } from '#events';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { PairWithRm } from './pair-with-rm.use-case.js';
import { RmPairingClient } from './rm-pairing.client.js';
import { RmPairingsController } from './rm-pairings.controller.js';

/** The tenant API's pairing of a CEM node with a WAN RM endpoint, the broker as pairing client. */
@Module({
  imports: [StoreModule, EventsModule, TenantGuardModule],
  controllers: [RmPairingsController],
  providers: [PairWithRm, RmPairingClient],
})
export class RmPairingModule {}
