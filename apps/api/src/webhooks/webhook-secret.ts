import { Injectable } from '@nestjs/common';
import { RandomSource } from '#security';

/** A signing secret drawn by the broker: 32 bytes from the CSPRNG, with a prefix that says what it is. */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly random: RandomSource) {}

  generate(): string {
    return `whsec_${this.random.base64Url(32)}`;
  }
}
