// Turns a text frame from the broker into a typed frame, or says what is wrong with it. Never throws:
// a channel must outlive one bad frame.
import { CemClientError } from './errors.js';
import {
  BROKER_FRAME_TYPES,
  type BrokerFrame,
  type BrokerFrameType,
  type ChannelS2Message,
  type SessionInfo,
} from './frames.js';

export type ParsedFrame =
  { readonly ok: true; readonly frame: BrokerFrame } | { readonly ok: false; readonly error: CemClientError };

type Json = Record<string, unknown>;

/** Thrown inside this module only, so each check stays one line; caught in `parseBrokerFrame`. */
class Problem extends Error {}

export function parseBrokerFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('the frame is not JSON');
  }
  if (!isObject(value)) return invalid('the frame is not a JSON object');
  const type = value['type'];
  if (typeof type !== 'string') return invalid('/type must be a string');
  if (!(BROKER_FRAME_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      error: new CemClientError('UNKNOWN_FRAME_TYPE', `unknown frame type '${type.slice(0, 64)}'`),
    };
  }
  try {
    return { ok: true, frame: build(type as BrokerFrameType, value) };
  } catch (error) {
    if (error instanceof Problem) return invalid(`${type}: ${error.message}`);
    return invalid(`${type}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function build(type: BrokerFrameType, value: Json): BrokerFrame {
  switch (type) {
    case 'session.opened':
      return { type, session: session(value['session']) };
    case 'message':
      return {
        type,
        sessionId: text(value, 'sessionId'),
        rmNodeId: text(value, 'rmNodeId'),
        cemNodeId: text(value, 'cemNodeId'),
        message: s2Message(value['message'], '/message'),
      };
    case 'session.closed':
      return {
        type,
        sessionId: text(value, 'sessionId'),
        rmNodeId: text(value, 'rmNodeId'),
        cemNodeId: text(value, 'cemNodeId'),
        reason: text(value, 'reason'),
      };
    case 'pairing.created':
    case 'pairing.removed':
      return { ...value, type, rmNodeId: text(value, 'rmNodeId'), cemNodeId: text(value, 'cemNodeId') };
    case 'error': {
      const { ref, rmNodeId, messageId } = value;
      return {
        type,
        code: text(value, 'code'),
        detail: text(value, 'detail'),
        // Optional fields of another type cannot point at anything of ours; the error itself still counts.
        ...(typeof ref === 'string' ? { ref } : {}),
        ...(typeof rmNodeId === 'string' ? { rmNodeId } : {}),
        ...(typeof messageId === 'string' ? { messageId } : {}),
      };
    }
  }
}

function session(value: unknown): SessionInfo {
  if (!isObject(value)) throw new Problem('/session must be an object');
  const snapshot = value['snapshot'];
  if (!Array.isArray(snapshot)) throw new Problem('/session/snapshot must be an array');
  const controlType = value['controlType'] ?? null;
  if (controlType !== null && typeof controlType !== 'string') {
    throw new Problem('/session/controlType must be a string or null');
  }
  return {
    sessionId: text(value, 'sessionId', '/session'),
    rmNodeId: text(value, 'rmNodeId', '/session'),
    cemNodeId: text(value, 'cemNodeId', '/session'),
    s2Version: text(value, 's2Version', '/session'),
    rmNodeDescription: object(value, 'rmNodeDescription', '/session') as unknown as SessionInfo['rmNodeDescription'],
    rmEndpointDescription: object(
      value,
      'rmEndpointDescription',
      '/session',
    ) as unknown as SessionInfo['rmEndpointDescription'],
    controlType,
    snapshot: snapshot.map((item, index) => s2Message(item, `/session/snapshot/${index}`)),
  };
}

function s2Message(value: unknown, path: string): ChannelS2Message {
  if (!isObject(value) || typeof value['message_type'] !== 'string') {
    throw new Problem(`${path} must be an S2 message (an object with a string message_type)`);
  }
  return value as unknown as ChannelS2Message;
}

function text(value: Json, field: string, parent = ''): string {
  const found = value[field];
  if (typeof found !== 'string') throw new Problem(`${parent}/${field} must be a string`);
  return found;
}

function object(value: Json, field: string, parent: string): Json {
  const found = value[field];
  if (!isObject(found)) throw new Problem(`${parent}/${field} must be an object`);
  return found;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): ParsedFrame {
  return { ok: false, error: new CemClientError('INVALID_FRAME', detail) };
}
