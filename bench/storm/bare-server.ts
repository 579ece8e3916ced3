// The baseline a session start is compared with: a bare `ws` server that accepts every upgrade and does
// nothing else (no authentication, no Redis, no routing). Prints `{"ready":true}` once it listens.
//
//   node dist/bench/storm/bare-server.js --port P
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { PER_MESSAGE_DEFLATE } from '#gateway';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error('--port must be a TCP port');

// The broker's own deflate settings, so that the handshake costs the same on both sides.
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: PER_MESSAGE_DEFLATE });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => undefined));
server.listen(port, '127.0.0.1', () => process.stdout.write('{"ready":true}\n'));
process.on('SIGTERM', () => process.exit(0));
