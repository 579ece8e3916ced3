import { Injectable } from '@nestjs/common';
import type { S2JsonVersion } from '#s2-json';
import { hashToken, randomBase64 } from '#security';
import { RedisService } from '#redis';
import { keys } from './keys.js';

export const WEBSOCKET_TOKEN_TTL_SECONDS = 30;

/** What a websocket token opens: the session of one pairing, in the negotiated S2 JSON version. */
export interface WebsocketGrant {
  readonly pairingId: string;
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly rmNodeId: string;
  readonly s2Version: S2JsonVersion;
}

/** Single-use websocket tokens, valid 30 seconds, stored by hash so Redis never holds one usable. */
@Injectable()
export class WebsocketTokenStore {
  constructor(private readonly redis: RedisService) {}

  async issue(grant: WebsocketGrant): Promise<string> {
    const token = randomBase64(32);
    await this.redis.client.set(
      keys.websocketToken(hashToken(token)),
      JSON.stringify(grant),
      'EX',
      WEBSOCKET_TOKEN_TTL_SECONDS,
    );
    return token;
  }

  /** The grant, once: a second use of the same token finds nothing. */
  async consume(token: string): Promise<WebsocketGrant | undefined> {
    const raw = await this.redis.client.getdel(keys.websocketToken(hashToken(token)));
    return raw === null ? undefined : (JSON.parse(raw) as WebsocketGrant);
  }
}
