import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { CONFIG, type Config } from '../../../../libs/config/src/index.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import {
  type NewWebhookBody,
  newWebhookSchema,
  type WebhookChangesBody,
  webhookChangesSchema,
} from './webhook.schemas.js';

// Pipes with the configuration injected: whether http:// URLs are allowed is a deployment's choice.

@Injectable()
export class NewWebhookPipe implements PipeTransform<unknown, NewWebhookBody> {
  private readonly pipe: ZodBodyPipe<ReturnType<typeof newWebhookSchema>>;

  constructor(@Inject(CONFIG) config: Config) {
    this.pipe = new ZodBodyPipe(newWebhookSchema(config.webhooks.allowHttp));
  }

  transform(value: unknown): NewWebhookBody {
    return this.pipe.transform(value);
  }
}

@Injectable()
export class WebhookChangesPipe implements PipeTransform<unknown, WebhookChangesBody> {
  private readonly pipe: ZodBodyPipe<ReturnType<typeof webhookChangesSchema>>;

  constructor(@Inject(CONFIG) config: Config) {
    this.pipe = new ZodBodyPipe(webhookChangesSchema(config.webhooks.allowHttp));
  }

  transform(value: unknown): WebhookChangesBody {
    return this.pipe.transform(value);
  }
}
