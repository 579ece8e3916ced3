import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { StoreModule } from '#store';
import { RedisSessionDirectory } from './redis-session-directory.js';
import { SessionAdmission } from './session-admission.js';
import { SessionDirectory } from './session-directory.js';

/** The session directory and the session admission rule, for the api role (the gateway makes its own). */
@Module({
  imports: [RedisModule, StoreModule],
  providers: [{ provide: SessionDirectory, useClass: RedisSessionDirectory }, SessionAdmission],
  exports: [SessionDirectory, SessionAdmission],
})
export class SessionDirectoryModule {}
