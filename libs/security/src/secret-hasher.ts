import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hashSecret, randomBase64Url, verifySecret } from './secrets.js';

/**
 * scrypt for client secrets, behind a class so that use cases hold logic only and their tests need not
 * pay scrypt's CPU cost.
 */
@Injectable()
export class SecretHasher implements OnModuleInit {
  private decoy: Promise<string> | undefined;

  onModuleInit(): void {
    // Made at start, so that the first unknown client id does not pay for it and stand out.
    this.decoyHash();
  }

  hash(secret: string): Promise<string> {
    return hashSecret(secret);
  }

  verify(secret: string, stored: string): Promise<boolean> {
    return verifySecret(secret, stored);
  }

  /**
   * Costs what `verify` costs and is always false: when there is no stored hash to check against (an
   * unknown client id), the answer must not come back faster than for a wrong secret.
   */
  async verifyNothing(secret: string): Promise<false> {
    await verifySecret(secret, await this.decoyHash());
    return false;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashSecret(randomBase64Url(32));
    return this.decoy;
  }
}
