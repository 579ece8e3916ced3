import { Module } from '@nestjs/common';
import { ConnectStateModule } from '#connect-state';
import { EventsModule } from '#events';
import { RedisModule } from '#redis';
import { SessionDirectoryModule } from '#cluster';
import { StoreModule } from '#store';
import { PairingController } from './pairing.controller.js';
import { PairingStepsUseCase } from './pairing-steps.use-case.js';
import { RequestPairingUseCase } from './request-pairing.use-case.js';
import { SessionController } from './session.controller.js';
import { ConfirmAccessTokenUseCase, InitiateSessionUseCase, UnpairUseCase } from './session.use-cases.js';

/** S2 Connect towards RMs: the pairing server (`/pairing/`) and session initiation (`/session/`). */
@Module({
  imports: [StoreModule, ConnectStateModule, EventsModule, RedisModule, SessionDirectoryModule],
  controllers: [PairingController, SessionController],
  providers: [
    RequestPairingUseCase,
    PairingStepsUseCase,
    InitiateSessionUseCase,
    ConfirmAccessTokenUseCase,
    UnpairUseCase,
  ],
})
export class S2ConnectModule {}
