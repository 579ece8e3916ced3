import { validatorsByMessageType as v0_0_2_beta } from './generated/v0_0_2_beta/validators.js';
import { validatorsByMessageType as v1_0_0 } from './generated/v1_0_0/validators.js';
import type { S2Message } from './messages.js';
import type { S2JsonVersion } from './versions.js';

/** One broken rule of a schema: where in the message (JSON Pointer) and which keyword. */
export interface ValidationError {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

export type ValidationResult =
  | { readonly valid: true; readonly message: S2Message }
  | { readonly valid: false; readonly messageType: string | undefined; readonly errors: readonly ValidationError[] };

/** The shape of an error reported by the ahead-of-time compiled (Ajv standalone) validators. */
export interface CompiledError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledError[] | null;
}

const VALIDATORS: Record<S2JsonVersion, Readonly<Record<string, CompiledValidator>>> = {
  'v1.0.0': v1_0_0,
  'v0.0.2-beta': v0_0_2_beta,
};

/** The message types of one S2 JSON version. */
export function messageTypesOf(version: S2JsonVersion): readonly string[] {
  return Object.keys(VALIDATORS[version]);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function toValidationError(error: CompiledError): ValidationError {
  // Point at the offending property itself, not at the object that holds it.
  const property =
    error.keyword === 'required'
      ? error.params['missingProperty']
      : error.keyword === 'additionalProperties'
        ? error.params['additionalProperty']
        : undefined;
  const path = typeof property === 'string' ? `${error.instancePath}/${escapePointer(property)}` : error.instancePath;
  return { path, rule: error.keyword, message: error.message ?? error.keyword };
}

/**
 * Validates a parsed JSON value as an S2 JSON message of `version`, dispatching on `message_type` to
 * that message's schema (JSON Schema 2020-12 semantics: `format` is an annotation, patterns are not
 * anchored, exactly as the published schemas say).
 */
export function validateMessage(version: S2JsonVersion, value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { valid: false, messageType: undefined, errors: [{ path: '', rule: 'type', message: 'must be object' }] };
  }
  const messageType = (value as { message_type?: unknown }).message_type;
  if (typeof messageType !== 'string') {
    return {
      valid: false,
      messageType: undefined,
      errors: [{ path: '/message_type', rule: 'required', message: 'must have a string message_type' }],
    };
  }
  const validator = Object.hasOwn(VALIDATORS[version], messageType) ? VALIDATORS[version][messageType] : undefined;
  if (!validator) {
    return {
      valid: false,
      messageType,
      errors: [{ path: '/message_type', rule: 'enum', message: `is not a message type of S2 JSON ${version}` }],
    };
  }
  if (validator(value)) return { valid: true, message: value as S2Message };
  return { valid: false, messageType, errors: (validator.errors ?? []).map(toValidationError) };
}

/** One line for a diagnostic label or a log: `/path: message (rule)`. */
export function describeErrors(errors: readonly ValidationError[]): string {
  return errors.map((e) => `${e.path || '/'}: ${e.message} (${e.rule})`).join('; ');
}
