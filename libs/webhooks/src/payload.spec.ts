import { describe, expect, it } from 'vitest';
import { streamEntryTime, webhookPayload } from './payload.js';

describe('webhookPayload', () => {
  const at = new Date('2026-03-01T12:00:00.000Z');

  it('puts the event’s own fields in data, the delivery id and tenant at the top', () => {
    expect(
      webhookPayload(
        'd-1',
        { type: 'pairing.removed', tenantId: 't-1', cemNodeId: 'c-1', rmNodeId: 'r-1', reason: 'unpaired-by-rm' },
        at,
      ),
    ).toEqual({
      id: 'd-1',
      type: 'pairing.removed',
      occurredAt: '2026-03-01T12:00:00.000Z',
      tenantId: 't-1',
      data: { cemNodeId: 'c-1', rmNodeId: 'r-1', reason: 'unpaired-by-rm' },
    });
  });

  it('carries the session of session events', () => {
    const payload = webhookPayload(
      'd-2',
      {
        type: 'session.opened',
        tenantId: 't-1',
        cemNodeId: 'c-1',
        rmNodeId: 'r-1',
        sessionId: 's-1',
        s2Version: 'v1.0.0',
      },
      at,
    );
    expect(payload.data).toEqual({ cemNodeId: 'c-1', rmNodeId: 'r-1', sessionId: 's-1', s2Version: 'v1.0.0' });
  });
});

describe('streamEntryTime', () => {
  it('is the milliseconds part of a stream entry id', () => {
    expect(streamEntryTime('1767225600123-4').toISOString()).toBe('2026-01-01T00:00:00.123Z');
  });
});
