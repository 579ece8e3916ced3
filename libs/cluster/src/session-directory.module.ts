import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { SessionDirectory } from './session-directory.js';

/** The session directory for readers outside the gateway (the tenant API's listings). */
@Module({
  imports: [RedisModule],
  providers: [SessionDirectory],
  exports: [SessionDirectory],
})
export class SessionDirectoryModule {}
