import { describe, expect, it } from 'vitest';
import { EXAMPLE_PAGES, isExamplePage, loadExamplePage } from './examples-file.js';
import { ReplayInbox, replaySteps, runReplay, withFreshId, type ReplayStep } from './simulate-rm-replay.js';

const sent = (steps: readonly ReplayStep[]) =>
  steps.map((step) => (step.kind === 'send' ? String(step.message['message_type']) : `await ${step.messageType}`));

describe('loadExamplePage', () => {
  it('reads every worked example from the checkout', () => {
    for (const page of EXAMPLE_PAGES) expect(loadExamplePage(page).length).toBeGreaterThan(5);
    expect(isExamplePage('ev')).toBe(true);
    expect(isExamplePage('battery')).toBe(false);
  });
});

describe('replaySteps', () => {
  it("sends the RM's messages in page order, without the Handshake or a SessionRequest", () => {
    const steps = replaySteps(loadExamplePage('ev'), { withHandshake: false, waitForCem: false });
    expect(sent(steps)).toEqual([
      'ResourceManagerDetails',
      'FRBC.SystemDescription',
      'PowerMeasurement',
      'FRBC.ActuatorStatus',
      'FRBC.StorageStatus',
      'InstructionStatusUpdate',
    ]);
    const pv = replaySteps(loadExamplePage('pv'), { withHandshake: true, waitForCem: false });
    expect(sent(pv)).toEqual([
      'Handshake',
      'ResourceManagerDetails',
      'PEBC.PowerConstraints',
      'PEBC.EnergyConstraint',
      'PowerMeasurement',
      'PowerForecast',
      'InstructionStatusUpdate',
    ]);
  });

  it("waits for the CEM's messages when asked, never for its Handshake or HandshakeResponse", () => {
    const steps = replaySteps(loadExamplePage('heat-pump'), { withHandshake: true, waitForCem: true });
    expect(sent(steps)).toEqual([
      'Handshake',
      'ResourceManagerDetails',
      'await SelectControlType',
      'FRBC.SystemDescription',
      'FRBC.LeakageBehaviour',
      'PowerMeasurement',
      'FRBC.ActuatorStatus',
      'FRBC.StorageStatus',
      'FRBC.TimerStatus',
      'FRBC.UsageForecast',
      'await FRBC.Instruction',
      'InstructionStatusUpdate',
    ]);
  });

  it('gives each sent message a fresh message_id', () => {
    const message = { message_type: 'PowerMeasurement', message_id: 'fixed', values: [] };
    const a = withFreshId(message);
    const b = withFreshId(message);
    expect(a['message_id']).not.toBe('fixed');
    expect(a['message_id']).not.toBe(b['message_id']);
    expect(a).toMatchObject({ message_type: 'PowerMeasurement', values: [] });
    expect(message.message_id).toBe('fixed');
    expect(withFreshId({ message_type: 'ReceptionStatus' })).toEqual({ message_type: 'ReceptionStatus' });
  });
});

describe('runReplay', () => {
  const steps: ReplayStep[] = [
    { kind: 'send', message: { message_type: 'A', message_id: 'a' } },
    { kind: 'await', messageType: 'X' },
    { kind: 'send', message: { message_type: 'B', message_id: 'b' } },
  ];

  it('sends, waits for the CEM, sends on', async () => {
    const written: string[] = [];
    const inbox = new ReplayInbox();
    const names: string[] = [];
    const done = runReplay(steps, { sendRaw: (text) => written.push(text) > 0 }, inbox, (t) => names.push(t), 1_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(names).toEqual(['A']);
    inbox.add('Y');
    inbox.add('X');
    await done;
    expect(names).toEqual(['A', 'B']);
    expect(
      written.map((text) => JSON.parse(text) as Record<string, unknown>).map((m) => m['message_id']),
    ).not.toContain('a');
  });

  it('counts a CEM message that came before the wait', async () => {
    const inbox = new ReplayInbox();
    inbox.add('X');
    await runReplay(steps, { sendRaw: () => true }, inbox, () => undefined, 1_000);
  });

  it('stops when the wait times out, the session closes or a send fails', async () => {
    await expect(
      runReplay(steps, { sendRaw: () => true }, new ReplayInbox(), () => undefined, 20),
    ).rejects.toMatchObject({
      code: 'WAIT_TIMEOUT',
      message: 'no X from the CEM within 20 ms',
    });
    const inbox = new ReplayInbox();
    const waiting = runReplay(steps, { sendRaw: () => true }, inbox, () => undefined, 1_000);
    inbox.close();
    await expect(waiting).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
    await expect(
      runReplay(steps, { sendRaw: () => false }, new ReplayInbox(), () => undefined, 1_000),
    ).rejects.toMatchObject({
      code: 'SOCKET_CLOSED',
    });
  });
});
