import { Injectable } from '@nestjs/common';
import { RandomSource } from '#security';
import { WEBHOOK_SECRET_PREFIX } from '#webhooks';

const WEBHOOK_SECRET_BYTES = 32;

/**
 * A signing secret drawn by the broker: 32 bytes from the CSPRNG in the Standard Webhooks form
 * (`whsec_` and standard Base64), which its libraries decode into the HMAC key.
 */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly random: RandomSource) {}

  generate(): string {
    return `${WEBHOOK_SECRET_PREFIX}${this.random.base64(WEBHOOK_SECRET_BYTES)}`;
  }
}
