// The ceiling a session start is measured against: the least any broker must do for one. It answers
// initiateSession and confirmAccessToken with well-formed bodies (no token checked, nothing stored),
// accepts the RM's upgrade and tells the CEM channel `session.opened`, all in one process. The driver
// runs its real session starts against it, so the rate it reaches is what this machine allows with
// the driver on the same cores, whatever the broker did. Prints `{"ready":true}` once it listens.
//
//   node dist/bench/storm/null-broker.js --port P
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { PER_MESSAGE_DEFLATE } from '#gateway';
import { bearerToken } from '#security';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error('--port must be a TCP port');

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: PER_MESSAGE_DEFLATE, clientTracking: false });
const channels = new Set<WebSocket>();

function answer(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** A token (base64, as the specification's schema has it) that names the RM: no look-up at the upgrade. */
const tokenOf = (rmNodeId: string) => Buffer.from(`${rmNodeId} ${randomBytes(16).toString('hex')}`).toString('base64');
const rmOf = (token: string) => Buffer.from(token, 'base64').toString().split(' ', 1)[0] ?? '';

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url === '/session/') return answer(res, ['v1']);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.url === '/session/v1/initiateSession') {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { clientNodeId: string };
      return answer(res, {
        selectedCommunicationProtocol: 'WebSocket',
        selectedS2MessageVersion: 'v1.0.0',
        accessToken: tokenOf(body.clientNodeId),
      });
    }
    if (req.url === '/session/v1/confirmAccessToken')
      return answer(res, {
        communicationProtocol: 'WebSocket',
        websocketToken: tokenOf(rmOf(bearerToken(req.headers.authorization) ?? '')),
        websocketUrl: `ws://127.0.0.1:${port}/s2/v1/ws`,
      });
    res.writeHead(404).end();
  });
}

const server = createServer(onRequest);
server.keepAliveTimeout = 60_000;
server.on('upgrade', (req: IncomingMessage, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => undefined);
    if (req.url === '/cem/v1/ws') {
      channels.add(ws);
      ws.on('close', () => channels.delete(ws));
      return;
    }
    const rmNodeId = rmOf(bearerToken(req.headers.authorization) ?? '');
    const frame = JSON.stringify({ type: 'session.opened', session: { rmNodeId } });
    for (const channel of channels) channel.send(frame);
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write('{"ready":true}\n'));
process.on('SIGTERM', () => process.exit(0));
