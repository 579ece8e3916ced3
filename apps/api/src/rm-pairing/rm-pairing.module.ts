import { Module } from '@nestjs/common';
import { ConnectStateModule } from '../../../../libs/connect-state/src/connect-state.module.js';
import { StoreModule } from '../../../../libs/store/src/store.module.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { PairWithRm } from './pair-with-rm.use-case.js';
import { RmPairingClient } from './rm-pairing.client.js';
import { RmPairingsController } from './rm-pairings.controller.js';

/** The tenant API's pairing of a CEM node with a WAN RM endpoint, the broker as pairing client. */
@Module({
  imports: [StoreModule, ConnectStateModule, TenantAuthModule],
  controllers: [RmPairingsController],
  providers: [PairWithRm, RmPairingClient],
})
export class RmPairingModule {}
