import { Module } from '@nestjs/common';
import { EventsModule } from '#events';
import { RedisModule } from '#redis';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { HistorySettingsController, RmMessagesController } from './history.controllers.js';
import { GetHistorySettings, SetHistorySettings } from './history-settings.use-cases.js';
import { InspectorFeed } from './inspector-feed.js';
import { ListMessages } from './list-messages.use-case.js';
import { MessageHistoryModule } from './message-history.module.js';
import { PairingEndings } from './pairing-endings.js';

/** The tenant's message history policy, an RM's kept messages, and the inspector's live feed. */
@Module({
  imports: [StoreModule, EventsModule, RedisModule, TenantGuardModule, MessageHistoryModule],
  controllers: [HistorySettingsController, RmMessagesController],
  providers: [GetHistorySettings, SetHistorySettings, ListMessages, InspectorFeed, PairingEndings],
})
export class HistoryModule {}
