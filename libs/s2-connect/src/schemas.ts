// Validation of S2 Connect v1 bodies against the OpenAPI schemas, with validators compiled ahead of time.
import * as validators from './generated/validators.js';
import type * as Types from './generated/types.js';
import type { CompiledValidator } from '#s2-json';

export type { Types };

export interface BodyTypes {
  RequestPairingRequest: Types.RequestPairingRequest;
  RequestPairingResponse: Types.RequestPairingResponse;
  RequestConnectionDetailsRequest: Types.RequestConnectionDetailsRequest;
  ConnectionDetails: Types.ConnectionDetails;
  PostConnectionDetailsRequest: Types.PostConnectionDetailsRequest;
  FinalizePairingRequest: Types.FinalizePairingRequest;
  PairingResponseErrorMessage: Types.PairingResponseErrorMessage;
  InitiateSessionRequest: Types.InitiateSessionRequest;
  InitiateSessionResponse: Types.InitiateSessionResponse;
  WebSocketCommunicationDetails: Types.WebSocketCommunicationDetails;
  CommunicationDetailsErrorMessage: Types.CommunicationDetailsErrorMessage;
  UnpairRequest: Types.UnpairRequest;
  NodeDescription: Types.NodeDescription;
  EndpointDescription: Types.EndpointDescription;
}

export type BodyName = keyof BodyTypes;

const COMPILED = validators as unknown as Record<BodyName, CompiledValidator>;

export type BodyResult<K extends BodyName> = { ok: true; value: BodyTypes[K] } | { ok: false; problem: string };

/** Validates `value` as the body `name`; `problem` names the JSON path and the rule broken. */
export function validateBody<K extends BodyName>(name: K, value: unknown): BodyResult<K> {
  const validate = COMPILED[name];
  if (validate(value)) return { ok: true, value: value as BodyTypes[K] };
  const error = validate.errors?.[0];
  if (!error) return { ok: false, problem: 'does not follow the schema' };
  const missing = error.keyword === 'required' ? `/${String(error.params['missingProperty'])}` : '';
  return { ok: false, problem: `${error.instancePath}${missing || ''} ${error.message ?? error.keyword}`.trim() };
}
