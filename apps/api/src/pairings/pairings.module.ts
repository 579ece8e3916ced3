import { Module } from '@nestjs/common';
import { EventsModule } from '#events';
import { SessionDirectoryModule } from '#cluster';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { ListPairings } from './list-pairings.use-case.js';
import { PairingsController } from './pairings.controller.js';
import { UnpairRm } from './unpair-rm.use-case.js';

/** The tenant API's pairings. */
@Module({
  imports: [StoreModule, EventsModule, TenantGuardModule, SessionDirectoryModule],
  controllers: [PairingsController],
  providers: [UnpairRm, ListPairings],
})
export class PairingsModule {}
