// The S2 WebSocket side of the fake CEM endpoint: takes each websocketToken once, as a real server does,
// and records what every RM connection sends.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { bearerToken } from '#security';

export interface FakeS2Connection {
  readonly rmNodeId: string;
  readonly socket: WebSocket;
  readonly received: Record<string, unknown>[];
}

export class FakeS2WebSocket {
  readonly connections: FakeS2Connection[] = [];
  /** Upgrade requests refused, by status. */
  readonly refusals: number[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly waiters: ((connection: FakeS2Connection) => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });

  constructor(server: Server) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /** A fresh websocketToken for the RM. */
  issue(rmNodeId: string): string {
    const token = randomBytes(32).toString('base64');
    this.tokens.set(token, rmNodeId);
    return token;
  }

  nextConnection(): Promise<FakeS2Connection> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The RM's connection that is still open, if any. */
  openConnection(rmNodeId: string): FakeS2Connection | undefined {
    return this.connections.find((c) => c.rmNodeId === rmNodeId && c.socket.readyState === WebSocket.OPEN);
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = bearerToken(request.headers.authorization) ?? '';
    const rmNodeId = this.tokens.get(token);
    const status = request.url !== '/s2/v1/ws' ? 404 : rmNodeId === undefined ? 401 : 0;
    if (status !== 0 || rmNodeId === undefined) {
      this.refusals.push(status);
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Unauthorized'}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.tokens.delete(token);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: FakeS2Connection = { rmNodeId, socket: ws, received: [] };
      ws.on('message', (data) => connection.received.push(JSON.parse(String(data)) as Record<string, unknown>));
      this.connections.push(connection);
      this.waiters.shift()?.(connection);
    });
  }
}
