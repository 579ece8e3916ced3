import type { RandomSource } from '#security';

/** Client ids are not secret, but random all the same, so that they say nothing about the tenant. */
const CLIENT_ID_BYTES = 16;
const CLIENT_SECRET_BYTES = 32;

export function newClientId(random: RandomSource): string {
  return `sa_${random.base64Url(CLIENT_ID_BYTES)}`;
}

/** Shown once to whoever asked for it, then kept only as its scrypt hash. */
export function newClientSecret(random: RandomSource): string {
  return random.base64Url(CLIENT_SECRET_BYTES);
}
