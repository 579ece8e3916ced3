import { describe, expect, it } from 'vitest';
import { parseBrokerFrame } from './parse-frame.js';

const rmNodeDescription = {
  id: 'b2c1e9b6-9c1a-4a53-9a38-61b7f0f6c111',
  brand: 'B',
  type: 'EV',
  modelName: 'M',
  role: 'RM',
};
const rmEndpointDescription = { name: 'RM endpoint', deployment: 'WAN' };
const measurement = {
  message_type: 'PowerMeasurement',
  message_id: 'm-1',
  measurement_timestamp: '2025-01-01T00:00:00Z',
  values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1200 }],
};
const ids = { sessionId: 's-1', rmNodeId: 'rm-1', cemNodeId: 'cem-1' };
const session = {
  ...ids,
  s2Version: 'v1.0.0',
  rmNodeDescription,
  rmEndpointDescription,
  controlType: 'FILL_RATE_BASED_CONTROL',
  snapshot: [measurement],
};

function parse(value: unknown) {
  return parseBrokerFrame(typeof value === 'string' ? value : JSON.stringify(value));
}

function problem(value: unknown): { code: string; message: string } {
  const parsed = parse(value);
  if (parsed.ok) throw new Error(`parsed: ${JSON.stringify(parsed.frame)}`);
  return { code: parsed.error.code, message: parsed.error.message };
}

describe('parseBrokerFrame', () => {
  it('reads every frame type of the contract', () => {
    expect(parse({ type: 'session.opened', session })).toEqual({
      ok: true,
      frame: { type: 'session.opened', session },
    });
    expect(parse({ type: 'message', ...ids, message: measurement })).toEqual({
      ok: true,
      frame: { type: 'message', ...ids, message: measurement },
    });
    expect(parse({ type: 'session.closed', ...ids, reason: 'rm-disconnected' })).toEqual({
      ok: true,
      frame: { type: 'session.closed', ...ids, reason: 'rm-disconnected' },
    });
    for (const type of ['pairing.created', 'pairing.removed']) {
      const frame = { type, rmNodeId: 'rm-1', cemNodeId: 'cem-1', rmNodeDescription, pairedAt: '2025-01-01T00:00:00Z' };
      expect(parse(frame)).toEqual({ ok: true, frame });
    }
    expect(parse({ type: 'error', ref: 'r-7', code: 'UNKNOWN_RM', detail: 'no such RM' })).toEqual({
      ok: true,
      frame: { type: 'error', ref: 'r-7', code: 'UNKNOWN_RM', detail: 'no such RM' },
    });
    const undeliverable = { type: 'error', rmNodeId: 'rm-1', messageId: 'm-1', code: 'undeliverable', detail: 'gone' };
    expect(parse(undeliverable)).toEqual({ ok: true, frame: undeliverable });
    expect(parse({ type: 'error', code: 'BAD_ENVELOPE', detail: 'not JSON' })).toEqual({
      ok: true,
      frame: { type: 'error', code: 'BAD_ENVELOPE', detail: 'not JSON' },
    });
  });

  it('reads a session without a control type, and drops a ref that cannot be ours', () => {
    const { controlType: _unused, ...withoutControlType } = session;
    const parsed = parse({ type: 'session.opened', session: withoutControlType });
    expect(parsed.ok && parsed.frame.type === 'session.opened' && parsed.frame.session.controlType).toBeNull();
    expect(parse({ type: 'session.opened', session: { ...session, controlType: null } }).ok).toBe(true);
    expect(parse({ type: 'error', ref: 7, code: 'X', detail: 'y' })).toEqual({
      ok: true,
      frame: { type: 'error', code: 'X', detail: 'y' },
    });
  });

  it('names what is wrong with junk', () => {
    expect(problem('not json')).toEqual({ code: 'INVALID_FRAME', message: 'the frame is not JSON' });
    expect(problem('')).toMatchObject({ code: 'INVALID_FRAME' });
    expect(problem([1])).toEqual({ code: 'INVALID_FRAME', message: 'the frame is not a JSON object' });
    expect(problem(null)).toEqual({ code: 'INVALID_FRAME', message: 'the frame is not a JSON object' });
    expect(problem({ session })).toEqual({ code: 'INVALID_FRAME', message: '/type must be a string' });
    expect(problem({ type: 'session.resumed' })).toEqual({
      code: 'UNKNOWN_FRAME_TYPE',
      message: "unknown frame type 'session.resumed'",
    });
    expect(problem({ type: 'session.opened' })).toEqual({
      code: 'INVALID_FRAME',
      message: 'session.opened: /session must be an object',
    });
    expect(problem({ type: 'session.opened', session: { ...session, snapshot: [measurement, { value: 1 }] } })).toEqual(
      {
        code: 'INVALID_FRAME',
        message: 'session.opened: /session/snapshot/1 must be an S2 message (an object with a string message_type)',
      },
    );
    expect(problem({ type: 'session.opened', session: { ...session, snapshot: {} } }).message).toBe(
      'session.opened: /session/snapshot must be an array',
    );
    expect(problem({ type: 'session.opened', session: { ...session, rmNodeDescription: 'x' } }).message).toBe(
      'session.opened: /session/rmNodeDescription must be an object',
    );
    expect(problem({ type: 'session.opened', session: { ...session, controlType: 3 } }).message).toBe(
      'session.opened: /session/controlType must be a string or null',
    );
    expect(problem({ type: 'session.opened', session: { ...session, s2Version: undefined } }).message).toBe(
      'session.opened: /session/s2Version must be a string',
    );
    expect(problem({ type: 'message', ...ids, message: '{}' }).message).toBe(
      'message: /message must be an S2 message (an object with a string message_type)',
    );
    expect(problem({ type: 'message', ...ids, sessionId: 1, message: measurement }).message).toBe(
      'message: /sessionId must be a string',
    );
    expect(problem({ type: 'session.closed', ...ids }).message).toBe('session.closed: /reason must be a string');
    expect(problem({ type: 'pairing.created', rmNodeId: 'rm-1' }).message).toBe(
      'pairing.created: /cemNodeId must be a string',
    );
    expect(problem({ type: 'error', code: 'X' }).message).toBe('error: /detail must be a string');
  });

  it('never throws', () => {
    const junk = [
      '{',
      '"message"',
      '42',
      'true',
      '{"type":null}',
      '{"type":"message","message":null}',
      '{"type":"session.opened","session":[]}',
      '{"type":"session.opened","session":{"snapshot":[null]}}',
      '{"type":"pairing.removed","rmNodeId":{},"cemNodeId":[]}',
      '{"type":"error","code":null,"detail":null}',
      `{"type":"${'x'.repeat(10_000)}"}`,
      '\u0000\uffff',
    ];
    for (const text of junk) expect(() => parseBrokerFrame(text)).not.toThrow();
    for (const text of junk) expect(parseBrokerFrame(text).ok).toBe(false);
    expect(problem({ type: 'x'.repeat(10_000) }).message.length).toBeLessThan(100);
  });
});
