// Which message a CEM or an RM may send in which state of an S2 Connect session: the table
// "State of communication" of S2 Connect v1.0.0. Where the table's names differ from the schema files
// (`PEBC.PowerConstraint`), the schema files win, as the specification says of itself.
import type { ControlType, RejectStatus, Role } from './messages.js';

/** A control type that, once selected, enables its own messages. */
export type ActiveControlType = Exclude<ControlType, 'NO_SELECTION' | 'NOT_CONTROLABLE'>;

export interface SessionState {
  /** null: the "WebSocket Connected" state, no control type active. */
  readonly activeControlType: ActiveControlType | null;
  /** `available_control_types` of the RM's last ResourceManagerDetails; null before the first one. */
  readonly offeredControlTypes: readonly ControlType[] | null;
  /**
   * The last SelectControlType not yet answered by the RM. A ReceptionStatus other than OK for it
   * means the RM did not switch, so the state returns to `previous`.
   */
  readonly pendingSelection: { readonly messageId: string; readonly previous: ActiveControlType | null } | null;
  /**
   * The message_id of the HandshakeResponse the broker sent for the RM's Handshake, until the RM's
   * ReceptionStatus for it arrives: that one is the broker's to take, the CEM never saw the message.
   * Absent in states saved before it existed, which reads as null.
   */
  readonly handshakeResponseId?: string | null;
}

export const INITIAL_SESSION_STATE: SessionState = Object.freeze({
  activeControlType: null,
  offeredControlTypes: null,
  pendingSelection: null,
  handshakeResponseId: null,
});

export type Verdict =
  | { readonly outcome: 'forward' }
  /** An RM's Handshake: the broker answers it itself and the CEM never sees it. */
  | { readonly outcome: 'handshake' }
  /** The RM's ReceptionStatus for the broker's own HandshakeResponse: taken by the broker. */
  | { readonly outcome: 'consume' }
  | { readonly outcome: 'reject'; readonly status: RejectStatus; readonly diagnosticLabel: string };

const ALWAYS: Record<Role, ReadonlySet<string>> = {
  CEM: new Set(['SelectControlType', 'SessionRequest', 'ReceptionStatus']),
  RM: new Set(['ResourceManagerDetails', 'PowerMeasurement', 'PowerForecast', 'SessionRequest', 'ReceptionStatus']),
};

/** Messages of the RM that need some control type active, whichever it is. */
const RM_WITH_ANY_CONTROL_TYPE: ReadonlySet<string> = new Set(['RevokeObject', 'InstructionStatusUpdate']);

const CONTROL_TYPE_MESSAGES: Record<ActiveControlType, Record<Role, readonly string[]>> = {
  POWER_ENVELOPE_BASED_CONTROL: {
    CEM: ['PEBC.Instruction'],
    RM: ['PEBC.EnergyConstraint', 'PEBC.PowerConstraints'],
  },
  POWER_PROFILE_BASED_CONTROL: {
    CEM: ['PPBC.EndInterruptionInstruction', 'PPBC.ScheduleInstruction', 'PPBC.StartInterruptionInstruction'],
    RM: ['PPBC.PowerProfileDefinition', 'PPBC.PowerProfileStatus'],
  },
  OPERATION_MODE_BASED_CONTROL: {
    CEM: ['OMBC.Instruction'],
    RM: ['OMBC.Status', 'OMBC.SystemDescription', 'OMBC.TimerStatus'],
  },
  FILL_RATE_BASED_CONTROL: {
    CEM: ['FRBC.Instruction'],
    RM: [
      'FRBC.ActuatorStatus',
      'FRBC.FillLevelTargetProfile',
      'FRBC.LeakageBehaviour',
      'FRBC.StorageStatus',
      'FRBC.SystemDescription',
      'FRBC.UsageForecast',
      'FRBC.TimerStatus',
    ],
  },
  DEMAND_DRIVEN_BASED_CONTROL: {
    CEM: ['DDBC.Instruction'],
    // DDBC.PresentDemandStatus exists from S2 JSON v1.0.0 on, split off DDBC.SystemDescription.
    RM: [
      'DDBC.ActuatorStatus',
      'DDBC.AverageDemandRateForecast',
      'DDBC.SystemDescription',
      'DDBC.TimerStatus',
      'DDBC.PresentDemandStatus',
    ],
  },
};

export const ACTIVE_CONTROL_TYPES = Object.keys(CONTROL_TYPE_MESSAGES) as ActiveControlType[];

/** message type -> the control type that enables it, per sender. */
const CONTROL_TYPE_OF: Record<Role, ReadonlyMap<string, ActiveControlType>> = {
  CEM: new Map(ACTIVE_CONTROL_TYPES.flatMap((ct) => CONTROL_TYPE_MESSAGES[ct].CEM.map((t) => [t, ct] as const))),
  RM: new Map(ACTIVE_CONTROL_TYPES.flatMap((ct) => CONTROL_TYPE_MESSAGES[ct].RM.map((t) => [t, ct] as const))),
};

const FORWARD: Verdict = Object.freeze({ outcome: 'forward' });
const HANDSHAKE: Verdict = Object.freeze({ outcome: 'handshake' });
const CONSUME: Verdict = Object.freeze({ outcome: 'consume' });

function reject(status: RejectStatus, diagnosticLabel: string): Verdict {
  return { outcome: 'reject', status, diagnosticLabel };
}

/** Every message type the table lets `role` send in some state. */
export function messageTypesSentBy(role: Role): ReadonlySet<string> {
  const types = new Set(ALWAYS[role]);
  for (const type of CONTROL_TYPE_OF[role].keys()) types.add(type);
  if (role === 'RM') for (const type of RM_WITH_ANY_CONTROL_TYPE) types.add(type);
  return types;
}

/** The message types `role` may send in a state where `activeControlType` is active (null: none). */
export function messageTypesAllowed(role: Role, activeControlType: ActiveControlType | null): ReadonlySet<string> {
  const types = new Set(ALWAYS[role]);
  if (activeControlType !== null) {
    for (const type of CONTROL_TYPE_MESSAGES[activeControlType][role]) types.add(type);
    if (role === 'RM') for (const type of RM_WITH_ANY_CONTROL_TYPE) types.add(type);
  }
  return types;
}

/** A message as far as the rules look at it; schema validation has already passed. */
export interface RuleInput {
  readonly message_type: string;
  readonly message_id?: string;
  readonly control_type?: string;
  readonly available_control_types?: readonly string[];
  readonly subject_message_id?: string;
  readonly status?: string;
}

function describeState(state: SessionState): string {
  return state.activeControlType === null ? 'no control type is active' : `${state.activeControlType} is active`;
}

function checkSelectControlType(state: SessionState, controlType: string | undefined): Verdict {
  if (controlType === 'NO_SELECTION') return FORWARD;
  if (state.offeredControlTypes === null) {
    return reject(
      'INVALID_CONTENT',
      `SelectControlType ${controlType}: the RM has not sent ResourceManagerDetails yet`,
    );
  }
  if (controlType === undefined || !state.offeredControlTypes.includes(controlType as ControlType)) {
    return reject(
      'INVALID_CONTENT',
      `SelectControlType ${controlType}: not among the RM's available_control_types (${state.offeredControlTypes.join(', ') || 'none'})`,
    );
  }
  return FORWARD;
}

/** Whether `sender` may send `message` in `state`, and what the broker answers if not. */
export function checkMessage(state: SessionState, sender: Role, message: RuleInput): Verdict {
  const type = message.message_type;
  if (type === 'Handshake' || type === 'HandshakeResponse') {
    // Older S2 libraries still open with a Handshake; S2 Connect made it redundant.
    if (sender === 'RM' && type === 'Handshake') return HANDSHAKE;
    return reject('INVALID_MESSAGE', `${type} is not sent by the ${sender} on an S2 Connect session`);
  }
  if (
    sender === 'RM' &&
    type === 'ReceptionStatus' &&
    state.handshakeResponseId != null &&
    message.subject_message_id === state.handshakeResponseId
  ) {
    return CONSUME;
  }
  if (ALWAYS[sender].has(type)) {
    return type === 'SelectControlType' ? checkSelectControlType(state, message.control_type) : FORWARD;
  }
  const needs = CONTROL_TYPE_OF[sender].get(type);
  if (needs !== undefined) {
    if (state.activeControlType === needs) return FORWARD;
    return reject('INVALID_CONTENT', `${type} needs ${needs} to be active, but ${describeState(state)}`);
  }
  if (sender === 'RM' && RM_WITH_ANY_CONTROL_TYPE.has(type)) {
    if (state.activeControlType !== null) return FORWARD;
    return reject('INVALID_CONTENT', `${type} needs a control type to be active, but ${describeState(state)}`);
  }
  return reject('INVALID_MESSAGE', `${type} is not sent by the ${sender}`);
}

function toActive(controlType: string | undefined): ActiveControlType | null {
  return controlType !== undefined && controlType in CONTROL_TYPE_MESSAGES ? (controlType as ActiveControlType) : null;
}

/**
 * The state after `sender`'s `message` was forwarded. Returns the same object when nothing changed,
 * so callers can skip persisting it.
 */
export function applyMessage(state: SessionState, sender: Role, message: RuleInput): SessionState {
  const type = message.message_type;
  if (sender === 'RM' && type === 'ResourceManagerDetails' && message.available_control_types) {
    return { ...state, offeredControlTypes: message.available_control_types as readonly ControlType[] };
  }
  if (sender === 'CEM' && type === 'SelectControlType') {
    return {
      ...state,
      activeControlType: toActive(message.control_type),
      pendingSelection:
        message.message_id === undefined ? null : { messageId: message.message_id, previous: state.activeControlType },
    };
  }
  if (
    sender === 'RM' &&
    type === 'ReceptionStatus' &&
    state.pendingSelection !== null &&
    message.subject_message_id === state.pendingSelection.messageId
  ) {
    const activeControlType = message.status === 'OK' ? state.activeControlType : state.pendingSelection.previous;
    return { ...state, activeControlType, pendingSelection: null };
  }
  return state;
}
