// What the worker's /metrics says of webhook traffic to a real receiver that takes deliveries, then
// fails them: every try counted by outcome (delivered, retry, dead) and tenant, the tenants named in
// METRICS_TENANTS by id and every other as `other`, and the dead letters the alert reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from './support/broker.js';
import { createTenant, post, rmWithSession, type Tenant } from './support/s2-connect.js';
import { startReceiver, type Receiver } from './support/webhook-receiver.js';

const MAX_ATTEMPTS = 3;
const WEBHOOK_ENV = {
  WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  WEBHOOK_BACKOFF_BASE_MS: '100',
  WEBHOOK_BACKOFF_MAX_MS: '500',
};

let broker: Broker;
let worker: Broker;
let receiver: Receiver;
let named: Tenant;
let unnamed: Tenant;

beforeAll(async () => {
  broker = await startBroker({ env: { ROLES: 'gateway,api', ...WEBHOOK_ENV } });
  named = await createTenant(broker);
  unnamed = await createTenant(broker);
  // The label set is fixed when the worker starts: only now is the named tenant's id known.
  worker = await startBroker({
    env: { ROLES: 'worker', INSTANCE_ID: 'e2e-worker', METRICS_TENANTS: named.id, ...WEBHOOK_ENV },
  });
  receiver = await startReceiver();
  for (const owner of [named, unnamed]) {
    const created = await post(
      `${broker.url}/api/v1/webhooks`,
      { url: receiver.url, eventTypes: ['pairing.created'] },
      owner.jwt,
    );
    expect(created.status).toBe(201);
  }
});

afterAll(async () => {
  await receiver?.close();
  await worker?.stop();
  await broker?.stop();
});

const scrape = async () => (await fetch(`${worker.internalUrl}/metrics`)).text();

/** Every sample of one metric as {labels, value}. */
function samples(text: string, metric: string): { labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .map((line) => {
      const [series = '', value = ''] = line.split(/ (?=[^ ]+$)/);
      const labels = Object.fromEntries(
        [...series.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, label]) => [name as string, label as string]),
      );
      return { labels, value: Number(value) };
    });
}

const tries = (text: string, outcome: string, tenant: string) =>
  samples(text, 's2b_webhook_deliveries_total').find((s) => s.labels.outcome === outcome && s.labels.tenant === tenant)
    ?.value ?? 0;

const deadLetters = (text: string) => samples(text, 's2b_webhook_dead_letters_total')[0]?.value ?? 0;

/** How each counted outcome rose between two scrapes, for the named tenant and for `other`. */
function rises(before: string, after: string) {
  const rows: Record<string, number> = {};
  for (const outcome of ['delivered', 'retry', 'dead'])
    for (const [who, tenant] of [
      ['named', named.id],
      ['other', 'other'],
    ] as const)
      rows[`${outcome} ${who}`] = tries(after, outcome, tenant) - tries(before, outcome, tenant);
  return rows;
}

/** Resolves once the receiver has answered `count` requests about this RM. */
const answered = (rmNodeId: string, count: number) =>
  expect
    .poll(() => receiver.requests.filter((request) => request.body.includes(rmNodeId)).length, { timeout: 30_000 })
    .toBe(count);

describe('webhook deliveries on the worker’s /metrics', () => {
  it('count a try the receiver took as delivered, under the named tenant’s id or other', async () => {
    const before = await scrape();
    const mine = await rmWithSession(broker.url, named);
    const theirs = await rmWithSession(broker.url, unnamed);
    await receiver.waitFor((events) =>
      [mine.rmNodeId, theirs.rmNodeId].every((id) => events.some((event) => event.data.rmNodeId === id)),
    );
    // The receiver answered before the worker counted: the count follows in a moment.
    await expect
      .poll(async () => rises(before, await scrape()))
      .toMatchObject({
        'delivered named': 1,
        'delivered other': 1,
        'retry named': 0,
        'dead named': 0,
      });
  });

  it('count each failed try as retry and the last as dead, with the dead letter the alert reads', async () => {
    receiver.answer(503);
    const before = await scrape();
    const rm = await rmWithSession(broker.url, named);
    await answered(rm.rmNodeId, MAX_ATTEMPTS);
    await expect
      .poll(async () => rises(before, await scrape()))
      .toMatchObject({
        'delivered named': 0,
        'retry named': MAX_ATTEMPTS - 1,
        'dead named': 1,
      });
    expect(deadLetters(await scrape()) - deadLetters(before)).toBeGreaterThanOrEqual(1);
    receiver.answer(200);
  });

  it('keep the label set bounded: three outcomes, the named tenant and other, never another id', async () => {
    const text = await scrape();
    const series = samples(text, 's2b_webhook_deliveries_total');
    expect(new Set(series.map((s) => s.labels.outcome))).toEqual(new Set(['delivered', 'retry', 'dead']));
    expect(new Set(series.map((s) => s.labels.tenant))).toEqual(new Set([named.id, 'other']));
    for (const s of series) expect(Object.keys(s.labels).sort()).toEqual(['outcome', 'tenant']);
    expect(text).not.toContain(unnamed.id);
  });
});
