import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import type { LaneHead } from '#store';
import { webhookHeaders } from '#webhooks';

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** One try of one delivery: a signed POST; 2xx is delivered, anything else (or no answer in time) is not. */
@Injectable()
export class WebhookSender {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  async send(delivery: LaneHead, now: Date): Promise<SendResult> {
    const headers = webhookHeaders({
      secret: delivery.endpoint.secret,
      deliveryId: delivery.id,
      body: delivery.body,
      now,
    });
    try {
      const response = await fetch(delivery.endpoint.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        // A redirect is an answer that is not 2xx: following it would send the signed body elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
      });
      await response.body?.cancel();
      const ok = response.status >= 200 && response.status < 300;
      return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, status: null, error: describe(error) };
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as (Error & { code?: unknown }) | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? (cause?.message ?? error.message) : 'request failed';
}
