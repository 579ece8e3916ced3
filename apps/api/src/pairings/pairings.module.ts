import { Module } from '@nestjs/common';
import { ConnectStateModule } from '../../../../libs/connect-state/src/connect-state.module.js';
import { SessionDirectoryModule } from '../../../../libs/routing/src/session-directory.module.js';
import { StoreModule } from '../../../../libs/store/src/store.module.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { ListPairings } from './list-pairings.use-case.js';
import { PairingsController } from './pairings.controller.js';
import { UnpairRm } from './unpair-rm.use-case.js';

/** The tenant API's pairings. */
@Module({
  imports: [StoreModule, ConnectStateModule, TenantAuthModule, SessionDirectoryModule],
  controllers: [PairingsController],
  providers: [UnpairRm, ListPairings],
})
export class PairingsModule {}
