#!/usr/bin/env node
// The least a CEM must do for an RM's conversation to go on, on the broker's CEM channel: a
// ReceptionStatus OK for every RM message (S2 asks one for each message but a ReceptionStatus), and for
// a ResourceManagerDetails a SelectControlType of the first control type the RM offers.
//
//   S2_BROKER_URL=https://s2.example.com S2_BROKER_CLIENT_ID=sa_... S2_BROKER_CLIENT_SECRET=... \
//     node minimal-cem.mjs
//
// Or S2_BROKER_JWT=... instead of the service account. S2_BROKER_CEM_NODE_IDS (comma-separated) limits
// the channel to those CEM nodes. Each frame received and each message sent is one JSON line on stdout;
// the channel's state goes to stderr. SIGINT or SIGTERM closes the channel and exits 0.
import { randomUUID } from 'node:crypto';
import { CemChannel, serviceAccountToken } from '@s2-broker/cem-client';

const env = process.env;
const url = env.S2_BROKER_URL;
if (!url) fail('set S2_BROKER_URL to the broker (https://s2.example.com)');
let getToken;
if (env.S2_BROKER_CLIENT_ID && env.S2_BROKER_CLIENT_SECRET) {
  getToken = serviceAccountToken({ url, clientId: env.S2_BROKER_CLIENT_ID, clientSecret: env.S2_BROKER_CLIENT_SECRET });
} else if (env.S2_BROKER_JWT) {
  // A fixed JWT cannot reopen the channel once it has expired; a service account can.
  getToken = () => env.S2_BROKER_JWT;
} else {
  fail('set S2_BROKER_CLIENT_ID and S2_BROKER_CLIENT_SECRET, or S2_BROKER_JWT');
}
const cemNodeIds = (env.S2_BROKER_CEM_NODE_IDS ?? '').split(',').filter((id) => id !== '');

const channel = new CemChannel({ url, getToken, cemNodeIds });
channel.on('open', () => console.error('the channel is open'));
channel.on('reconnecting', (attempt, delayMs) => console.error(`reconnecting in ${Math.round(delayMs)} ms`));
channel.on('error', (error) => console.error(`${error.code}: ${error.message}`));
channel.on('broker.error', (frame) => console.error(`the broker refused a frame: ${frame.code}: ${frame.detail}`));
channel.on('frame', (frame) => console.log(JSON.stringify(frame)));
channel.on('message', ({ rmNodeId, message }) => {
  const id = message.message_id;
  if (message.message_type === 'ReceptionStatus' || typeof id !== 'string') return;
  send(rmNodeId, { message_type: 'ReceptionStatus', subject_message_id: id, status: 'OK' });
  const offered = message.available_control_types;
  if (message.message_type === 'ResourceManagerDetails' && Array.isArray(offered) && typeof offered[0] === 'string') {
    send(rmNodeId, { message_type: 'SelectControlType', message_id: randomUUID(), control_type: offered[0] });
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void channel.close().then(() => process.exit(0));
  });
}

try {
  await channel.connect();
} catch (error) {
  // The first attempt fails fast (wrong URL, refused credentials); later drops are reconnected.
  fail(`${error.code ?? 'ERROR'}: ${error.message}`);
}

function send(rmNodeId, message) {
  // false while the channel is down: nothing is queued on this side. A real CEM decides again once the
  // channel is back (the RM's messages meanwhile wait in the broker's CEM hold).
  const sent = channel.send(rmNodeId, message);
  console.log(JSON.stringify({ sent: message.message_type, rmNodeId, handed: sent }));
}

function fail(message) {
  console.error(`minimal-cem: ${message}`);
  process.exit(1);
}
