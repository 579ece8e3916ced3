import type { NestApplicationOptions } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { TlsFiles } from '#config';

type HttpsOptions = NonNullable<NestApplicationOptions['httpsOptions']>;

/** Serving TLS directly is optional: usually an ingress terminates it. */
export function httpsOptions(tls: TlsFiles | null): HttpsOptions | undefined {
  if (tls === null) {
    return undefined;
  }
  return { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
}
