import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hashPassword, randomBase64Url, verifySecret } from './secrets.js';

/** scrypt for console passwords; a class for the same reasons as `SecretHasher`. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private decoy: Promise<string> | undefined;

  onModuleInit(): void {
    this.decoyHash();
  }

  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  verify(password: string, stored: string): Promise<boolean> {
    return verifySecret(password, stored);
  }

  /** Costs what `verify` costs and is always false: an unknown email answers as slowly as a wrong password. */
  async verifyNothing(password: string): Promise<false> {
    await verifySecret(password, await this.decoyHash());
    return false;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(randomBase64Url(32));
    return this.decoy;
  }
}
