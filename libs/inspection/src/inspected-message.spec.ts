import { describe, expect, it } from 'vitest';
import { inspectedMessageText, parseInspectedMessage } from './inspected-message.js';

const head = { at: 1_700_000_000_000, direction: 'rm_to_cem', rmNodeId: 'rm-"1"', sessionId: 's-1' } as const;

describe('inspectedMessageText', () => {
  it('splices a JSON message and its reply in as they are, and parses back to the same value', () => {
    const message = '{"message_type":"PowerMeasurement","message_id":"m1","values":[]}';
    const reply = '{"message_type":"ReceptionStatus","subject_message_id":"m1","status":"INVALID_MESSAGE"}';
    const text = inspectedMessageText({ ...head, verdict: 'rejected' }, message, true, reply);
    expect(parseInspectedMessage(text)).toEqual({
      ...head,
      verdict: 'rejected',
      message: JSON.parse(message),
      reply: JSON.parse(reply),
    });
  });

  it('carries a message that is not JSON as a string, and no reply when there was none', () => {
    const text = inspectedMessageText({ ...head, verdict: 'temporary_error' }, 'not json {', false);
    const parsed = parseInspectedMessage(text);
    expect(parsed?.message).toBe('not json {');
    expect(parsed && 'reply' in parsed).toBe(false);
  });
});

describe('parseInspectedMessage', () => {
  it.each([
    '',
    'null',
    '{"at":"x"}',
    '{"at":1,"direction":"up","rmNodeId":"a","sessionId":"","verdict":"delivered","message":1}',
  ])('refuses %s', (text) => expect(parseInspectedMessage(text)).toBeUndefined());
});
