import { describe, expect, it } from 'vitest';
import {
  ACTIVE_CONTROL_TYPES,
  applyMessage,
  checkMessage,
  INITIAL_SESSION_STATE,
  messageTypesAllowed,
  type ActiveControlType,
  type SessionState,
} from './session-rules.js';
import type { Role } from './messages.js';
import { messageTypesOf } from './validate.js';

// The table "State of communication" of S2 Connect v1.0.0, written out again by hand so that a slip in
// the implementation's table shows up here. `PEBC.PowerConstraint` is spelled as its schema file.
const COMMON = {
  CEM: ['SelectControlType', 'SessionRequest', 'ReceptionStatus'],
  RM: ['ResourceManagerDetails', 'PowerMeasurement', 'PowerForecast', 'SessionRequest', 'ReceptionStatus'],
};
const ACTIVE_RM = ['RevokeObject', 'InstructionStatusUpdate'];
const TABLE: { state: ActiveControlType | null; CEM: string[]; RM: string[] }[] = [
  { state: null, CEM: COMMON.CEM, RM: COMMON.RM },
  {
    state: 'POWER_ENVELOPE_BASED_CONTROL',
    CEM: ['PEBC.Instruction', ...COMMON.CEM],
    RM: ['PEBC.EnergyConstraint', 'PEBC.PowerConstraints', ...ACTIVE_RM, ...COMMON.RM],
  },
  {
    state: 'POWER_PROFILE_BASED_CONTROL',
    CEM: [
      'PPBC.EndInterruptionInstruction',
      'PPBC.ScheduleInstruction',
      'PPBC.StartInterruptionInstruction',
      ...COMMON.CEM,
    ],
    RM: ['PPBC.PowerProfileDefinition', 'PPBC.PowerProfileStatus', ...ACTIVE_RM, ...COMMON.RM],
  },
  {
    state: 'OPERATION_MODE_BASED_CONTROL',
    CEM: ['OMBC.Instruction', ...COMMON.CEM],
    RM: ['OMBC.Status', 'OMBC.SystemDescription', 'OMBC.TimerStatus', ...ACTIVE_RM, ...COMMON.RM],
  },
  {
    state: 'FILL_RATE_BASED_CONTROL',
    CEM: ['FRBC.Instruction', ...COMMON.CEM],
    RM: [
      'FRBC.ActuatorStatus',
      'FRBC.FillLevelTargetProfile',
      'FRBC.LeakageBehaviour',
      'FRBC.StorageStatus',
      'FRBC.SystemDescription',
      'FRBC.UsageForecast',
      'FRBC.TimerStatus',
      ...ACTIVE_RM,
      ...COMMON.RM,
    ],
  },
  {
    state: 'DEMAND_DRIVEN_BASED_CONTROL',
    CEM: ['DDBC.Instruction', ...COMMON.CEM],
    RM: [
      'DDBC.ActuatorStatus',
      'DDBC.AverageDemandRateForecast',
      'DDBC.SystemDescription',
      'DDBC.TimerStatus',
      'DDBC.PresentDemandStatus',
      ...ACTIVE_RM,
      ...COMMON.RM,
    ],
  },
];

const ALL_TYPES = messageTypesOf('v1.0.0').filter((t) => t !== 'Handshake' && t !== 'HandshakeResponse');
const sentByAnyone = (role: Role) => new Set(TABLE.flatMap((row) => row[role]));

/** A state where `activeControlType` is active and every control type was offered. */
function stateWith(activeControlType: ActiveControlType | null): SessionState {
  return {
    activeControlType,
    offeredControlTypes: [...ACTIVE_CONTROL_TYPES, 'NOT_CONTROLABLE'],
    pendingSelection: null,
  };
}

function message(type: string): { message_type: string; message_id: string; control_type?: string } {
  return type === 'SelectControlType'
    ? { message_type: type, message_id: 'm-1', control_type: 'NO_SELECTION' }
    : { message_type: type, message_id: 'm-1' };
}

describe.each(TABLE.map((row) => [row.state ?? 'no control type', row] as const))('state: %s', (_name, row) => {
  for (const role of ['CEM', 'RM'] as const) {
    it(`${role} may send exactly the table's messages`, () => {
      expect([...messageTypesAllowed(role, row.state)].sort()).toEqual([...row[role]].sort());
    });

    it.each(ALL_TYPES)(`${role} sends %s`, (type) => {
      const verdict = checkMessage(stateWith(row.state), role, message(type));
      if (row[role].includes(type)) expect(verdict).toEqual({ outcome: 'forward' });
      else if (sentByAnyone(role).has(type))
        expect(verdict).toMatchObject({ outcome: 'reject', status: 'INVALID_CONTENT' });
      else expect(verdict).toMatchObject({ outcome: 'reject', status: 'INVALID_MESSAGE' });
      if (verdict.outcome === 'reject') expect(verdict.diagnosticLabel).toContain(type);
    });
  }
});

describe('Handshake and HandshakeResponse on an S2 Connect session', () => {
  it('an RM Handshake is answered by the broker', () => {
    expect(checkMessage(INITIAL_SESSION_STATE, 'RM', message('Handshake'))).toEqual({ outcome: 'handshake' });
  });
  it.each([
    ['CEM', 'Handshake'],
    ['CEM', 'HandshakeResponse'],
    ['RM', 'HandshakeResponse'],
  ] as const)('%s sending %s is INVALID_MESSAGE', (role, type) => {
    expect(checkMessage(stateWith('FILL_RATE_BASED_CONTROL'), role, message(type))).toMatchObject({
      outcome: 'reject',
      status: 'INVALID_MESSAGE',
    });
  });
});

describe('SelectControlType', () => {
  const select = (controlType: string, id = 'sel-1') => ({
    message_type: 'SelectControlType',
    message_id: id,
    control_type: controlType,
  });
  const details = (types: string[]) => ({
    message_type: 'ResourceManagerDetails',
    message_id: 'rmd-1',
    available_control_types: types,
  });

  it('is refused before the RM sent ResourceManagerDetails', () => {
    expect(checkMessage(INITIAL_SESSION_STATE, 'CEM', select('FILL_RATE_BASED_CONTROL'))).toMatchObject({
      outcome: 'reject',
      status: 'INVALID_CONTENT',
    });
  });

  it('must name a control type of the last ResourceManagerDetails', () => {
    let state = applyMessage(
      INITIAL_SESSION_STATE,
      'RM',
      details(['FILL_RATE_BASED_CONTROL', 'POWER_ENVELOPE_BASED_CONTROL']),
    );
    expect(checkMessage(state, 'CEM', select('FILL_RATE_BASED_CONTROL'))).toEqual({ outcome: 'forward' });
    expect(checkMessage(state, 'CEM', select('OPERATION_MODE_BASED_CONTROL'))).toMatchObject({
      status: 'INVALID_CONTENT',
    });
    // A newer ResourceManagerDetails replaces the offer.
    state = applyMessage(state, 'RM', details(['OPERATION_MODE_BASED_CONTROL']));
    expect(checkMessage(state, 'CEM', select('FILL_RATE_BASED_CONTROL'))).toMatchObject({ status: 'INVALID_CONTENT' });
    expect(checkMessage(state, 'CEM', select('OPERATION_MODE_BASED_CONTROL'))).toEqual({ outcome: 'forward' });
  });

  it('activates the control type, and NO_SELECTION returns to none', () => {
    let state = applyMessage(INITIAL_SESSION_STATE, 'RM', details(['FILL_RATE_BASED_CONTROL']));
    expect(checkMessage(state, 'CEM', select('NO_SELECTION'))).toEqual({ outcome: 'forward' });
    state = applyMessage(state, 'CEM', select('FILL_RATE_BASED_CONTROL'));
    expect(state.activeControlType).toBe('FILL_RATE_BASED_CONTROL');
    expect(checkMessage(state, 'CEM', message('FRBC.Instruction'))).toEqual({ outcome: 'forward' });
    state = applyMessage(state, 'CEM', select('NO_SELECTION', 'sel-2'));
    expect(state.activeControlType).toBeNull();
    expect(checkMessage(state, 'CEM', message('FRBC.Instruction'))).toMatchObject({ status: 'INVALID_CONTENT' });
  });

  it('NOT_CONTROLABLE, when offered, leaves no control type active', () => {
    let state = applyMessage(INITIAL_SESSION_STATE, 'RM', details(['NOT_CONTROLABLE']));
    expect(checkMessage(state, 'CEM', select('NOT_CONTROLABLE'))).toEqual({ outcome: 'forward' });
    state = applyMessage(state, 'CEM', select('NOT_CONTROLABLE'));
    expect(state.activeControlType).toBeNull();
  });

  it('is undone when the RM answers it with a status other than OK', () => {
    let state = applyMessage(
      INITIAL_SESSION_STATE,
      'RM',
      details(['FILL_RATE_BASED_CONTROL', 'POWER_ENVELOPE_BASED_CONTROL']),
    );
    state = applyMessage(state, 'CEM', select('FILL_RATE_BASED_CONTROL', 'sel-1'));
    state = applyMessage(state, 'RM', { message_type: 'ReceptionStatus', subject_message_id: 'sel-1', status: 'OK' });
    expect(state).toMatchObject({ activeControlType: 'FILL_RATE_BASED_CONTROL', pendingSelection: null });
    state = applyMessage(state, 'CEM', select('POWER_ENVELOPE_BASED_CONTROL', 'sel-2'));
    // A status for another message changes nothing.
    const unrelated = applyMessage(state, 'RM', {
      message_type: 'ReceptionStatus',
      subject_message_id: 'other',
      status: 'INVALID_CONTENT',
    });
    expect(unrelated).toBe(state);
    state = applyMessage(state, 'RM', {
      message_type: 'ReceptionStatus',
      subject_message_id: 'sel-2',
      status: 'INVALID_CONTENT',
    });
    expect(state).toMatchObject({ activeControlType: 'FILL_RATE_BASED_CONTROL', pendingSelection: null });
  });

  it('leaves the state object untouched for messages that change nothing', () => {
    const state = stateWith('FILL_RATE_BASED_CONTROL');
    expect(applyMessage(state, 'RM', message('PowerMeasurement'))).toBe(state);
    expect(applyMessage(state, 'CEM', message('FRBC.Instruction'))).toBe(state);
  });
});
