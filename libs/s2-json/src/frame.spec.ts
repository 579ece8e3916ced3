import { describe, expect, it } from 'vitest';
import { handshakeResponse, receptionStatus, sessionRequest, UNKNOWN_MESSAGE_ID } from './builders.js';
import { inspectFrame, type FrameContext } from './frame.js';
import { INITIAL_SESSION_STATE, type SessionState } from './session-rules.js';
import { loadExamples } from './testing/spec-files.js';
import { validateMessage } from './validate.js';
import { S2_JSON_VERSIONS } from './versions.js';

const rm = (state: SessionState = INITIAL_SESSION_STATE): FrameContext => ({ version: 'v1.0.0', sender: 'RM', state });
const cem = (state: SessionState = INITIAL_SESSION_STATE): FrameContext => ({
  version: 'v1.0.0',
  sender: 'CEM',
  state,
});

function expectValidS2(message: unknown): void {
  const result = validateMessage('v1.0.0', message);
  expect(result.valid ? [] : result.errors).toEqual([]);
}

describe('a frame the broker cannot read is INVALID_DATA', () => {
  it.each([
    ['not JSON', '{"message_type": "PowerMeasurement",', UNKNOWN_MESSAGE_ID],
    ['a JSON array', '[{"message_type":"PowerMeasurement"}]', UNKNOWN_MESSAGE_ID],
    ['a JSON string', '"hello"', UNKNOWN_MESSAGE_ID],
    ['null', 'null', UNKNOWN_MESSAGE_ID],
    ['no message_type', '{"message_id":"abc-1"}', 'abc-1'],
    ['a message_type that is not a string', '{"message_type":7,"message_id":"abc-1"}', 'abc-1'],
    ['no message_id', '{"message_type":"PowerMeasurement"}', UNKNOWN_MESSAGE_ID],
    ['an unusable message_id', '{"message_type":"PowerMeasurement","message_id":"!"}', UNKNOWN_MESSAGE_ID],
    ['a numeric message_id', '{"message_type":"PowerMeasurement","message_id":12}', UNKNOWN_MESSAGE_ID],
  ])('%s', (_name, text, subject) => {
    const outcome = inspectFrame(text, rm());
    expect(outcome.kind).toBe('reject');
    if (outcome.kind !== 'reject') return;
    expect(outcome.reply).toMatchObject({
      message_type: 'ReceptionStatus',
      status: 'INVALID_DATA',
      subject_message_id: subject,
    });
    expect(outcome.reply.diagnostic_label).toMatch(/^frame /);
    expectValidS2(outcome.reply);
  });
});

describe('a message that breaks its schema is INVALID_MESSAGE', () => {
  it('names the path and rule, and answers the message id', () => {
    const text = JSON.stringify({ message_type: 'SessionRequest', message_id: 'req-1', request: 'LEAVE' });
    const outcome = inspectFrame(text, rm());
    expect(outcome).toMatchObject({
      kind: 'reject',
      messageType: 'SessionRequest',
      reply: { status: 'INVALID_MESSAGE', subject_message_id: 'req-1' },
      errors: [{ path: '/request', rule: 'enum' }],
    });
    if (outcome.kind === 'reject') expect(outcome.reply.diagnostic_label).toContain('/request');
  });

  it('a number no double holds (it parses as Infinity), in both versions', () => {
    for (const version of S2_JSON_VERSIONS) {
      for (const value of ['1e400', '-1e400']) {
        const text = `{"message_type":"PowerMeasurement","message_id":"pm-1","measurement_timestamp":"2026-12-03T12:00:00Z","values":[{"commodity_quantity":"ELECTRIC.POWER.L1","value":${value}}]}`;
        expect(inspectFrame(text, { ...rm(), version })).toMatchObject({
          kind: 'reject',
          reply: { status: 'INVALID_MESSAGE', subject_message_id: 'pm-1' },
          errors: [{ path: '/values/0/value' }],
        });
        // The same message with a number a double holds passes.
        expect(inspectFrame(text.replace(value, '1e300'), { ...rm(), version }).kind).not.toBe('reject');
      }
    }
  });

  it('an unknown message type', () => {
    const outcome = inspectFrame('{"message_type":"Teleport","message_id":"t-1"}', cem());
    expect(outcome).toMatchObject({ kind: 'reject', reply: { status: 'INVALID_MESSAGE', subject_message_id: 't-1' } });
  });

  it('a message type of v1.0.0 on a v0.0.2-beta session', () => {
    const text = JSON.stringify({
      message_type: 'DDBC.PresentDemandStatus',
      message_id: 'p-1',
      present_demand_rate: { start_of_range: 1, end_of_range: 2 },
    });
    expect(inspectFrame(text, { ...rm(), version: 'v0.0.2-beta' })).toMatchObject({
      reply: { status: 'INVALID_MESSAGE' },
    });
  });

  it('a message of the other role', () => {
    const text = JSON.stringify({ message_type: 'SelectControlType', message_id: 's-1', control_type: 'NO_SELECTION' });
    expect(inspectFrame(text, rm())).toMatchObject({ reply: { status: 'INVALID_MESSAGE', subject_message_id: 's-1' } });
  });

  it('an invalid ReceptionStatus, which has no message_id of its own', () => {
    const text = JSON.stringify({ message_type: 'ReceptionStatus', subject_message_id: 'x-1', status: 'FINE' });
    const outcome = inspectFrame(text, cem());
    expect(outcome).toMatchObject({
      kind: 'reject',
      reply: { status: 'INVALID_MESSAGE', subject_message_id: UNKNOWN_MESSAGE_ID },
    });
  });
});

describe('a message not allowed in the session state is INVALID_CONTENT', () => {
  it('an FRBC.Instruction while no control type is active', () => {
    const text = JSON.stringify({
      message_type: 'FRBC.Instruction',
      message_id: 'i-1',
      id: 'i-1',
      actuator_id: 'a-1',
      operation_mode: 'om-1',
      operation_mode_factor: 0.5,
      execution_time: '2026-11-27T10:00:00Z',
      abnormal_condition: false,
    });
    const outcome = inspectFrame(text, cem());
    expect(outcome).toMatchObject({ kind: 'reject', reply: { status: 'INVALID_CONTENT', subject_message_id: 'i-1' } });
    if (outcome.kind === 'reject') expectValidS2(outcome.reply);
  });
});

describe('an RM Handshake', () => {
  it('is answered with ReceptionStatus OK and a HandshakeResponse with the negotiated version', () => {
    const text = JSON.stringify({
      message_type: 'Handshake',
      message_id: 'h-1',
      role: 'RM',
      supported_protocol_versions: ['v1.0.0'],
    });
    const outcome = inspectFrame(text, rm());
    expect(outcome.kind).toBe('handshake');
    if (outcome.kind !== 'handshake') return;
    const [status, response] = outcome.replies;
    expect(status).toEqual({ message_type: 'ReceptionStatus', subject_message_id: 'h-1', status: 'OK' });
    expect(response).toMatchObject({ message_type: 'HandshakeResponse', selected_protocol_version: 'v1.0.0' });
    expectValidS2(status);
    expectValidS2(response);
  });

  it("takes the RM's ReceptionStatus for the broker's HandshakeResponse itself, once; any other goes on", () => {
    const handshake = {
      message_type: 'Handshake',
      message_id: 'h-1',
      role: 'RM',
      supported_protocol_versions: ['v1.0.0'],
    };
    const answered = inspectFrame(JSON.stringify(handshake), rm());
    if (answered.kind !== 'handshake') throw new Error(answered.kind);
    const responseId = answered.replies[1].message_id;
    expect(answered.state.handshakeResponseId).toBe(responseId);
    const statusFor = (subject: string) =>
      JSON.stringify({ message_type: 'ReceptionStatus', subject_message_id: subject, status: 'OK' });
    expect(inspectFrame(statusFor('other'), rm(answered.state)).kind).toBe('forward');
    const consumed = inspectFrame(statusFor(responseId), rm(answered.state));
    if (consumed.kind !== 'consume') throw new Error(consumed.kind);
    expect(consumed.state.handshakeResponseId).toBeNull();
    expect(inspectFrame(statusFor(responseId), rm(consumed.state)).kind).toBe('forward');
    // A state saved before the field existed has none to take.
    const { handshakeResponseId: _gone, ...older } = INITIAL_SESSION_STATE;
    expect(inspectFrame(statusFor(responseId), rm(older)).kind).toBe('forward');
  });

  it("uses the RM's own spelling of the version", () => {
    expect(handshakeResponse('v0.0.2-beta', ['0.0.2-beta']).selected_protocol_version).toBe('0.0.2-beta');
    expect(handshakeResponse('v0.0.2-beta', ['v0.0.2-beta']).selected_protocol_version).toBe('v0.0.2-beta');
    expect(handshakeResponse('v1.0.0', []).selected_protocol_version).toBe('v1.0.0');
  });
});

describe('builders make valid S2 messages', () => {
  it.each(S2_JSON_VERSIONS)('in %s', (version) => {
    for (const message of [
      receptionStatus('m-1', 'TEMPORARY_ERROR', 'no CEM channel'),
      receptionStatus(UNKNOWN_MESSAGE_ID, 'INVALID_DATA', 'x'.repeat(5000)),
      sessionRequest('RECONNECT', 'unpaired'),
      sessionRequest('TERMINATE'),
      handshakeResponse('v1.0.0'),
    ]) {
      const result = validateMessage(version, message);
      expect(result.valid ? [] : result.errors).toEqual([]);
    }
    expect(receptionStatus('m', 'OK', 'x'.repeat(5000)).diagnostic_label).toHaveLength(512);
  });
});

describe('the worked example conversations pass the pipeline in order', () => {
  const examples = loadExamples();
  for (const page of ['ev', 'heat-pump', 'pv']) {
    it(`${page}: every message is forwarded (Handshakes answered by the broker)`, () => {
      let state = INITIAL_SESSION_STATE;
      const kinds: string[] = [];
      for (const { example } of examples.filter((e) => e.page === page)) {
        const sender = example.sender === 'both' ? 'RM' : example.sender;
        const type = example.message['message_type'];
        // The CEM's Handshake and HandshakeResponse are the broker's job on an S2 Connect session.
        if (sender === 'CEM' && (type === 'Handshake' || type === 'HandshakeResponse')) continue;
        const outcome = inspectFrame(JSON.stringify(example.message), { version: 'v0.0.2-beta', sender, state });
        kinds.push(`${String(type)}:${outcome.kind}`);
        if (outcome.kind === 'forward') state = outcome.state;
        else expect(outcome.kind).toBe(type === 'Handshake' ? 'handshake' : 'forward');
      }
      expect(kinds.filter((k) => k.endsWith(':reject'))).toEqual([]);
      expect(state.activeControlType).not.toBeNull();
    });
  }
});
