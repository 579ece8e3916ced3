import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { NodePairingGate } from './node-pairing-gate.js';
import { PairingAttemptStore } from './pairing-attempt.store.js';
import { WebsocketTokenStore } from './websocket-token.store.js';

/** The short-lived S2 Connect state every replica shares through Redis. */
@Module({
  imports: [RedisModule],
  providers: [NodePairingGate, PairingAttemptStore, WebsocketTokenStore],
  exports: [NodePairingGate, PairingAttemptStore, WebsocketTokenStore],
})
export class ConnectStateModule {}
