// Pairing codes, S2 Connect v1.0.0 "The pairing token, the node ID alias and the pairing code". The
// characters are drawn by the caller (a CSPRNG): this file stays pure.
export const PAIRING_TOKEN_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The specification's minimum lengths. */
export const MIN_DYNAMIC_TOKEN_LENGTH = 4;
export const MIN_STATIC_TOKEN_LENGTH = 6;

/**
 * The broker's default token length. One `requestPairing` hands an attacker an HMAC of the token,
 * which can then be brute-forced offline: 10 characters of 62 (about 59 bits) hold out where the
 * specification's 4 (about 24 bits) would fall in seconds.
 */
export const DEFAULT_TOKEN_LENGTH = 10;

export type PairingTokenKind = 'dynamic' | 'static';

export const PAIRING_CODE_PATTERN = /^([0-9a-zA-Z]+-)?[0-9a-zA-Z]{4,}$/;
/** Node id aliases are typed by people too; no 0/O or 1/l/I to confuse. */
export const NODE_ID_ALIAS_ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
export const NODE_ID_ALIAS_LENGTH = 6;

export interface PairingCode {
  readonly nodeIdAlias: string | undefined;
  readonly token: string;
}

export function formatPairingCode(code: PairingCode): string {
  return code.nodeIdAlias === undefined ? code.token : `${code.nodeIdAlias}-${code.token}`;
}

/** Splits a pairing code at the dash; undefined when it does not match the specification's pattern. */
export function parsePairingCode(text: string): PairingCode | undefined {
  const trimmed = text.trim();
  if (!PAIRING_CODE_PATTERN.test(trimmed)) return undefined;
  const dash = trimmed.indexOf('-');
  return dash < 0
    ? { nodeIdAlias: undefined, token: trimmed }
    : { nodeIdAlias: trimmed.slice(0, dash), token: trimmed.slice(dash + 1) };
}
