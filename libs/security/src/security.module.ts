import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { RandomSource } from './random-source.js';
import { SecretCipher } from './secret-cipher.js';
import { SecretHasher } from './secret-hasher.js';
import { PasswordHasher } from './password-hasher.js';

@Module({
  providers: [
    RandomSource,
    SecretHasher,
    PasswordHasher,
    { provide: SecretCipher, inject: [CONFIG], useFactory: (config: Config) => new SecretCipher(config.secretsKeys) },
  ],
  exports: [RandomSource, SecretHasher, PasswordHasher, SecretCipher],
})
export class SecurityModule {}
