import { Module } from '@nestjs/common';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { WebhooksQueueModule } from '#webhooks';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { CreateWebhook } from './create-webhook.use-case.js';
import { DeleteWebhook } from './delete-webhook.use-case.js';
import { GetWebhook } from './get-webhook.use-case.js';
import { ListDeadLetters } from './list-dead-letters.use-case.js';
import { ListWebhooks } from './list-webhooks.use-case.js';
import { RedeliverDeadLetter } from './redeliver-dead-letter.use-case.js';
import { RotateWebhookSecret } from './rotate-webhook-secret.use-case.js';
import { UpdateWebhook } from './update-webhook.use-case.js';
import { NewWebhookPipe, WebhookChangesPipe } from './webhook-body.pipes.js';
import { WebhookSecrets } from './webhook-secret.js';
import { WebhooksController } from './webhooks.controller.js';

/** The tenant API's webhook endpoints and their dead letters; delivery itself is the worker's. */
@Module({
  imports: [StoreModule, SecurityModule, TenantGuardModule, WebhooksQueueModule],
  controllers: [WebhooksController],
  providers: [
    CreateWebhook,
    ListWebhooks,
    GetWebhook,
    UpdateWebhook,
    DeleteWebhook,
    RotateWebhookSecret,
    ListDeadLetters,
    RedeliverDeadLetter,
    WebhookSecrets,
    NewWebhookPipe,
    WebhookChangesPipe,
  ],
})
export class WebhooksModule {}
