import { BadRequestException, Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { CONFIG, type Config } from '#config';
import { webhookUrlProblem } from '#webhooks';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { newWebhook, webhookChanges } from './webhook.schemas.js';

/**
 * A body with an endpoint URL: the schema's checks, then the URL's against the deployment's rule
 * (whether http:// URLs to other hosts than loopback are allowed), a 400 naming `url` like the others.
 */
abstract class WebhookBodyPipe<Schema extends z.ZodType<{ url?: string | undefined }>> implements PipeTransform<
  unknown,
  z.output<Schema>
> {
  private readonly pipe: ZodBodyPipe<Schema>;

  protected constructor(
    schema: Schema,
    private readonly allowHttp: boolean,
  ) {
    this.pipe = new ZodBodyPipe(schema);
  }

  transform(value: unknown): z.output<Schema> {
    const body = this.pipe.transform(value);
    const problem = body.url === undefined ? undefined : webhookUrlProblem(body.url, this.allowHttp);
    if (problem !== undefined) throw new BadRequestException(`url: ${problem}`);
    return body;
  }
}

@Injectable()
export class NewWebhookPipe extends WebhookBodyPipe<typeof newWebhook> {
  constructor(@Inject(CONFIG) config: Config) {
    super(newWebhook, config.webhooks.allowHttp);
  }
}

@Injectable()
export class WebhookChangesPipe extends WebhookBodyPipe<typeof webhookChanges> {
  constructor(@Inject(CONFIG) config: Config) {
    super(webhookChanges, config.webhooks.allowHttp);
  }
}
