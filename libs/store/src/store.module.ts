import { Module } from '@nestjs/common';
import { PairingRepository } from './pairings/pairing.repository.js';
import { PairingViewRepository } from './pairings/pairing-view.repository.js';
import { DbModule } from '#db';
import { SecurityModule } from '#security';
import { AuditEventRepository } from './audit-event.repository.js';
import { CemNodeRepository } from './cem-node.repository.js';
import { Clock } from './clock.js';
import { HistorySettingsRepository } from './history-settings.repository.js';
import { PairingCodeRepository } from './pairing-code.repository.js';
import { SecretRotation } from './secret-rotation.js';
import { ServiceAccountRepository } from './service-account.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { WebhookDeliveryRepository } from './webhooks/webhook-delivery.repository.js';
import { WebhookRepository } from './webhooks/webhook.repository.js';
import { ConsoleSessionRepository } from './users/console-session.repository.js';
import { UserRepository } from './users/user.repository.js';

const EXPORTED = [
  Clock,
  TenantRepository,
  ServiceAccountRepository,
  CemNodeRepository,
  PairingCodeRepository,
  PairingRepository,
  AuditEventRepository,
  PairingViewRepository,
  WebhookRepository,
  WebhookDeliveryRepository,
  SecretRotation,
  UserRepository,
  ConsoleSessionRepository,
  HistorySettingsRepository,
];

/** The broker's durable state, one repository per aggregate, and the clock its queries compare with. */
@Module({
  imports: [DbModule, SecurityModule],
  providers: EXPORTED,
  exports: EXPORTED,
})
export class StoreModule {}
