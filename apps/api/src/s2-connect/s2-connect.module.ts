import { Module } from '@nestjs/common';
import { ConnectStateModule } from '../../../../libs/connect-state/src/connect-state.module.js';
import { RedisModule } from '../../../../libs/redis/src/redis.module.js';
import { SessionAdmission } from '../../../../libs/routing/src/session-admission.js';
import { SessionDirectory } from '../../../../libs/routing/src/session-directory.js';
import { StoreModule } from '../../../../libs/store/src/store.module.js';
import { PairingController } from './pairing.controller.js';
import { PairingStepsUseCase } from './pairing-steps.use-case.js';
import { RequestPairingUseCase } from './request-pairing.use-case.js';
import { SessionController } from './session.controller.js';
import { ConfirmAccessTokenUseCase, InitiateSessionUseCase, UnpairUseCase } from './session.use-cases.js';

/** S2 Connect towards RMs: the pairing server (`/pairing/`) and session initiation (`/session/`). */
@Module({
  imports: [StoreModule, ConnectStateModule, RedisModule],
  controllers: [PairingController, SessionController],
  providers: [
    RequestPairingUseCase,
    PairingStepsUseCase,
    InitiateSessionUseCase,
    ConfirmAccessTokenUseCase,
    UnpairUseCase,
    SessionDirectory,
    SessionAdmission,
  ],
})
export class S2ConnectModule {}
