import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { randomBase64, randomBase64Url } from './secrets.js';

/** CSPRNG output for identifiers and credentials; a class so that tests can make it predictable. */
@Injectable()
export class RandomSource {
  uuid(): string {
    return randomUUID();
  }

  base64(bytes: number): string {
    return randomBase64(bytes);
  }

  base64Url(bytes: number): string {
    return randomBase64Url(bytes);
  }
}
