// The driver's HTTP client for the S2 Connect calls: node:http over kept-alive sockets. The storm's
// driver stands in for thousands of devices on one machine and shares its two cores with the broker;
// undici's fetch spends about as much CPU on each call as the API does answering it, which would be
// counted against the broker. Devices each bring their own CPU, so the driver should take little.
import { Agent, request } from 'node:http';
import type { FetchLike } from '#rm-client';

export function keepAliveFetch(): FetchLike {
  const agent = new Agent({ keepAlive: true });
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const body = typeof init.body === 'string' ? init.body : undefined;
      const headers = {
        ...(init.headers as Record<string, string>),
        ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      };
      const req = request(url, { agent, method: init.method, headers, signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          // A Response of a null-body status must not carry a body, even an empty one.
          const content = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(content, { status }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}
