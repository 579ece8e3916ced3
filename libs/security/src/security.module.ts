import { Module } from '@nestjs/common';
import { RandomSource } from './random-source.js';
import { SecretHasher } from './secret-hasher.js';

@Module({
  providers: [RandomSource, SecretHasher],
  exports: [RandomSource, SecretHasher],
})
export class SecurityModule {}
