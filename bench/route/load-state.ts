// A load worker's sockets: its tenant's CEM channel and its RMs. Incoming frames are read once here
// and handed to whichever phase listens, with the time they arrived.
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';

export interface Rm {
  readonly id: string;
  readonly ws: WebSocket;
}

export interface PhaseListener {
  /** An RM's PowerMeasurement reached the CEM channel. */
  atCem(rmNodeId: string, messageId: string, now: number): void;
  /** A ReceptionStatus OK from the CEM reached the RM. */
  atRm(subjectId: string, now: number): void;
  /** The relay or broker answered a message with a ReceptionStatus other than OK. */
  refused(subjectId: string): void;
}

/** A valid S2 JSON v1.0.0 RM message; its id keys the send time. */
export function powerMeasurement(messageId: string): string {
  return JSON.stringify({
    message_type: 'PowerMeasurement',
    message_id: messageId,
    measurement_timestamp: new Date().toISOString(),
    values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1200 }],
  });
}

export function receptionStatusFrame(rmNodeId: string, subjectId: string): string {
  return JSON.stringify({
    type: 'message',
    rmNodeId,
    message: { message_type: 'ReceptionStatus', subject_message_id: subjectId, status: 'OK' },
  });
}

function parseObject(data: RawData): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data.toString());
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class LoadState {
  cem: WebSocket | undefined;
  readonly rms: Rm[] = [];
  /** `session.opened` frames seen on the CEM channel (the broker's, the baseline sends none). */
  sessionsAnnounced = 0;
  /** `error` frames on the CEM channel. */
  channelErrors = 0;
  listener: PhaseListener | undefined;
  private cursor = 0;

  watchCem(ws: WebSocket): void {
    this.cem = ws;
    ws.on('message', (data) => {
      const now = performance.now();
      const frame = parseObject(data);
      if (frame === undefined) return;
      if (frame['type'] === 'session.opened') this.sessionsAnnounced++;
      else if (frame['type'] === 'error') this.channelErrors++;
      if (frame['type'] !== 'message' || typeof frame['message'] !== 'object' || frame['message'] === null) return;
      const message = frame['message'] as Record<string, unknown>;
      const rmNodeId = frame['rmNodeId'];
      if (message['message_type'] === 'PowerMeasurement' && typeof message['message_id'] === 'string') {
        if (typeof rmNodeId === 'string') this.listener?.atCem(rmNodeId, message['message_id'], now);
      } else if (message['message_type'] === 'ReceptionStatus' && message['status'] !== 'OK') {
        // The broker could not deliver one of our ReceptionStatus frames to its RM.
        if (typeof message['subject_message_id'] === 'string') this.listener?.refused(message['subject_message_id']);
      }
    });
  }

  addRm(rm: Rm): void {
    this.rms.push(rm);
    rm.ws.on('message', (data) => {
      const now = performance.now();
      const message = parseObject(data);
      if (message?.['message_type'] !== 'ReceptionStatus') return;
      const subject = message['subject_message_id'];
      if (typeof subject !== 'string') return;
      if (message['status'] === 'OK') this.listener?.atRm(subject, now);
      else this.listener?.refused(subject);
    });
  }

  /**
   * Sends a PowerMeasurement from the next open RM, round robin, and returns its id; undefined when
   * no RM socket is open any more.
   */
  sendFromNextRm(): string | undefined {
    for (let tried = 0; tried < this.rms.length; tried++) {
      const rm = this.rms[this.cursor];
      this.cursor = (this.cursor + 1) % this.rms.length;
      if (rm === undefined || rm.ws.readyState !== WebSocket.OPEN) continue;
      const id = randomUUID();
      rm.ws.send(powerMeasurement(id));
      return id;
    }
    return undefined;
  }

  replyFromCem(rmNodeId: string, subjectId: string): boolean {
    if (this.cem?.readyState !== WebSocket.OPEN) return false;
    this.cem.send(receptionStatusFrame(rmNodeId, subjectId));
    return true;
  }

  /** Closes every socket, waiting at most `timeoutMs` for the closing handshakes. */
  async closeAll(timeoutMs: number): Promise<void> {
    const sockets = [...this.rms.map((rm) => rm.ws), ...(this.cem ? [this.cem] : [])];
    const closed = sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000, 'bench done');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const ws of sockets) ws.terminate();
  }
}
