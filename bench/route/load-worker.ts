// A load generator process of the route bench, forked by bench/route/main.js: one tenant's CEM channel
// and a share of the RM sessions. It does what the driver asks over IPC and answers one message per
// request; it never outlives the driver.
import { LoadState } from './load-state.js';
import { openRms, waitUntil } from './load-open.js';
import { saturate, sendAtRate } from './load-phases.js';
import { isDriverMessage, type DriverMessage, type WorkerMessage } from './protocol.js';
import { connect } from './ws-connect.js';

/** How long the broker may take to announce the opened sessions on the CEM channel. */
const ANNOUNCE_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;

const state = new LoadState();

function reply(message: WorkerMessage): void {
  process.send?.(message);
}

async function handle(message: DriverMessage): Promise<WorkerMessage> {
  switch (message.kind) {
    case 'open-cem':
      state.watchCem(await connect(message.cem));
      return { kind: 'cem-open' };
    case 'open-rms': {
      const start = performance.now();
      await openRms(state, message.rms, message.concurrency);
      if (message.awaitSessionOpened) {
        await waitUntil(() => state.sessionsAnnounced >= state.rms.length, ANNOUNCE_TIMEOUT_MS);
      }
      return {
        kind: 'rms-open',
        opened: state.rms.length,
        sessionsAnnounced: state.sessionsAnnounced,
        ms: performance.now() - start,
      };
    }
    case 'saturate':
      return { kind: 'saturated', ...(await saturate(state, message.seconds, message.window)) };
    case 'rate':
      return { kind: 'rated', ...(await sendAtRate(state, message.perSecond, message.seconds)) };
    case 'close':
      await state.closeAll(CLOSE_TIMEOUT_MS);
      return { kind: 'closed' };
  }
}

process.on('message', (message: unknown) => {
  if (!isDriverMessage(message)) return;
  handle(message).then(reply, (error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    reply({ kind: 'failed', message: text.replace(/\s*[\r\n]+\s*/g, ' ') });
  });
});
// The driver is gone (finished, failed or killed): nothing left to measure for.
process.on('disconnect', () => process.exit(0));
if (process.send === undefined) {
  process.stderr.write('load-worker: start it with bench/route/main.js, not by hand\n');
  process.exit(2);
}
