import { Module } from '@nestjs/common';
import { ConnectStateModule } from '../../../../libs/connect-state/src/connect-state.module.js';
import { StoreModule } from '../../../../libs/store/src/store.module.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { PairingsController } from './pairings.controller.js';
import { UnpairRm } from './unpair-rm.use-case.js';

/** The tenant API's pairings. */
@Module({
  imports: [StoreModule, ConnectStateModule, TenantAuthModule],
  controllers: [PairingsController],
  providers: [UnpairRm],
})
export class PairingsModule {}
