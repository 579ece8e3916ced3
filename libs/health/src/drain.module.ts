import { Global, Module } from '@nestjs/common';
import { DrainService } from './drain.service.js';

// Global: draining is process-wide state that every role module consults.
@Global()
@Module({
  providers: [DrainService],
  exports: [DrainService],
})
export class DrainModule {}
