import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Body, Get, HttpStatus, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PairingViewRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import { RmNotFoundError } from '../errors/api-error.js';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import {
  type HistorySettingsBody,
  historySettingsBody,
  historySettingsSchema,
  type HistorySettingsView,
  messagePageSchema,
  messagesQuery,
  type MessagesQuery,
} from './history.schemas.js';
import { GetHistorySettings, historySettingsView, SetHistorySettings } from './history-settings.use-cases.js';
import { InspectorFeed } from './inspector-feed.js';
import { ListMessages } from './list-messages.use-case.js';
import type { InspectedMessage } from '#inspection';
import { SseStream } from './sse-stream.js';

@TenantApiController('settings/history')
@ApiTags('Message history')
export class HistorySettingsController {
  constructor(
    private readonly getSettings: GetHistorySettings,
    private readonly setSettings: SetHistorySettings,
  ) {}

  @Get()
  @ApiEndpoint({
    summary: "The tenant's message history policy",
    ok: { status: HttpStatus.OK, schema: historySettingsSchema },
  })
  async get(@CurrentTenant() caller: TenantPrincipal): Promise<HistorySettingsView> {
    return historySettingsView(await this.getSettings.execute(caller));
  }

  @Put()
  @ApiEndpoint({
    summary: 'Keep the last messages of each RM (both bounds apply), or none: off removes what was kept',
    body: historySettingsBody,
    ok: { status: HttpStatus.OK, schema: historySettingsSchema },
  })
  async put(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(new ZodBodyPipe(historySettingsBody)) body: HistorySettingsBody,
  ): Promise<HistorySettingsView> {
    return historySettingsView(await this.setSettings.execute(caller, body));
  }
}

@TenantApiController('rms')
@ApiTags('Message history')
export class RmMessagesController {
  constructor(
    private readonly listMessages: ListMessages,
    private readonly pairings: PairingViewRepository,
    private readonly feed: InspectorFeed,
  ) {}

  @Get(':rmNodeId/messages')
  @ApiEndpoint({
    summary: "An RM's kept messages in both directions with the broker's verdicts, newest first",
    query: messagesQuery,
    ok: { status: HttpStatus.OK, schema: messagePageSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('rmNodeId') rmNodeId: string,
    @Query(new ZodBodyPipe(messagesQuery)) query: MessagesQuery,
  ): Promise<{ items: InspectedMessage[]; nextCursor: string | null }> {
    const page = await this.listMessages.execute(caller, rmNodeId, query);
    return { items: page.items, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
  }

  @Get(':rmNodeId/messages/live')
  @ApiEndpoint({
    summary: "A live tail of an RM's messages in both directions, as Server-Sent Events",
    ok: {
      status: HttpStatus.OK,
      eventStream:
        'event `message`: an InspectedMessage (JSON); `gap`: {"dropped": n} messages a slow reader missed; ' +
        '`end`: {"reason"} the watch is over (the pairing is gone); a comment line every 15 s',
    },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.TOO_MANY_REQUESTS],
  })
  async live(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('rmNodeId') rmNodeId: string,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const pairing = await this.pairings.findInTenant(caller.tenantId, rmNodeId);
    if (pairing === undefined) throw new RmNotFoundError();
    const stream = new SseStream(res);
    const viewer = {
      id: randomUUID(),
      tenantId: caller.tenantId,
      rmNodeId,
      deliver: (text: string) => stream.message(text),
      end: (reason: string) => stream.end(reason),
    };
    await this.feed.join(viewer);
    stream.open();
    res.on('close', () => void this.feed.leave(viewer));
    if (req.destroyed) void this.feed.leave(viewer);
  }
}
