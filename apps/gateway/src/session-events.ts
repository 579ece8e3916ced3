import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { EventBus, type SessionEvent } from '#events';
import { LOGGER } from '#observability';
import { type SessionRef, SessionEventSink } from './routing/ports.js';

/**
 * Puts session.opened and session.closed on the event stream for webhooks. Never awaited by the router
 * and never throws: a session works whether or not its event could be written. Calls are issued in
 * order on one connection, so a replaced session's `closed` is on the stream before the new `opened`.
 */
@Injectable()
export class SessionEvents extends SessionEventSink {
  private readonly logger: Logger;

  constructor(
    private readonly events: EventBus,
    @Inject(LOGGER) logger: Logger,
  ) {
    super();
    this.logger = logger.child({ component: 'session-events' });
  }

  override opened(rmNodeId: string, session: SessionRef & { readonly s2Version: string }): void {
    this.emit({
      type: 'session.opened',
      tenantId: session.tenantId,
      cemNodeId: session.cemNodeId,
      rmNodeId,
      sessionId: session.sessionId,
      s2Version: session.s2Version,
    });
  }

  override closed(rmNodeId: string, session: SessionRef, reason: string): void {
    this.emit({
      type: 'session.closed',
      tenantId: session.tenantId,
      cemNodeId: session.cemNodeId,
      rmNodeId,
      sessionId: session.sessionId,
      reason,
    });
  }

  private emit(event: SessionEvent): void {
    this.events.publish([event]).catch((error: unknown) => {
      const { type, tenantId, rmNodeId, sessionId } = event;
      this.logger.warn({ err: error, type, tenantId, rmNodeId, sessionId }, 'writing a session event failed');
    });
  }
}
