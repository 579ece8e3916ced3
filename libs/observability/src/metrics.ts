import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LatencyHistogram, registerHistograms, ROUTING_LATENCY_BUCKETS } from './latency-histogram.js';

/** How an S2 message the broker accepted ended, as the delivery contract names the outcomes. */
export type MessageOutcome = 'delivered' | 'rejected' | 'temporary_error';
export type MessageDirection = 'rm_to_cem' | 'cem_to_rm';
/** The steps of S2 Connect whose outcomes are counted. */
export type SessionStartStep = 'initiateSession' | 'confirmAccessToken' | 'upgrade';
export type PairingStep = 'requestPairing' | 'requestConnectionDetails' | 'postConnectionDetails' | 'finalizePairing';
export type WebhookOutcome = 'delivered' | 'retry' | 'dead';
/** `connection`: the link itself failed (refused, reset, timed out); `command`/`query`: the server said no. */
export type DependencyErrorKind = 'connection' | 'command' | 'query' | 'timeout';

/** The `type` label of messages of a type the S2 schemas do not name: a bounded set whatever peers send. */
export const OTHER_MESSAGE_TYPE = 'other';

/** The `tenant` label of per-tenant series in bounded label sets: the tenants named by the operator, else this. */
export const OTHER_TENANT = 'other';

/**
 * The label policy of per-tenant metrics (METRICS_TENANTS): a tenant has series of its own only when
 * the operator named it, so that the number of series never grows with the number of tenants.
 */
export class TenantLabels {
  private readonly named: ReadonlySet<string>;

  constructor(named: Iterable<string>) {
    this.named = new Set(named);
  }

  of(tenantId: string): string {
    return this.named.has(tenantId) ? tenantId : OTHER_TENANT;
  }

  /** Every label value there can be: the named tenants, then `other`. */
  all(): string[] {
    return [...this.named, OTHER_TENANT];
  }
}

/** Counts per S2 message type, from a fixed set of types: a lookup and an increment per message. */
export class MessageTypeTallies {
  private readonly tallies = new Map<string, Tally>();
  private readonly other = new Tally();

  constructor(knownTypes: Iterable<string>) {
    for (const type of knownTypes) this.tallies.set(type, new Tally());
  }

  count(type: unknown): void {
    ((typeof type === 'string' ? this.tallies.get(type) : undefined) ?? this.other).inc();
  }

  *entries(): Iterable<[string, number]> {
    for (const [type, tally] of this.tallies) yield [type, tally.count];
    yield [OTHER_MESSAGE_TYPE, this.other.count];
  }
}

/** A counter that only counts; `s2b_messages_total` reads it when scraped. */
export class Tally {
  count = 0;

  inc(): void {
    this.count++;
  }
}

/**
 * The process's Prometheus metrics (`GET /metrics`). One registry per process, so that in-process test
 * apps do not share counters. Roles register what they measure through the helpers; hot paths hold a
 * `Tally` and only call `inc()`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequestSeconds = new Histogram({
    name: 's2b_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly sessionStarts = this.counter(
    's2b_session_starts_total',
    'S2 Connect session starts by step (initiateSession, confirmAccessToken, upgrade) and outcome',
    ['step', 'outcome'],
  );
  readonly pairingAttempts = this.counter(
    's2b_pairing_attempts_total',
    'S2 Connect pairing requests by step and outcome (ok, or the S2 Connect error)',
    ['step', 'outcome'],
  );
  readonly webhookDeliveries = this.counter(
    's2b_webhook_deliveries_total',
    'Webhook delivery tries by outcome (delivered, retry, dead) and tenant (named ones, else other)',
    ['outcome', 'tenant'],
  );
  readonly redisErrors = this.counter(
    's2b_redis_errors_total',
    'Errors talking to Redis, by connection (what it is for) and kind (connection, command)',
    ['connection', 'kind'],
  );
  readonly postgresErrors = this.counter(
    's2b_postgres_errors_total',
    'Errors talking to PostgreSQL, by kind (connection, timeout, query)',
    ['kind'],
  );
  /** Per message on the hot path: plain numbers, handed to prom-client only when scraped. */
  private readonly tallies = new Map<string, { direction: MessageDirection; outcome: MessageOutcome; tally: Tally }>();
  private readonly latencies = new Map<MessageDirection, LatencyHistogram>();
  private readonly types = new Map<MessageDirection, MessageTypeTallies>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 's2b_' });
    const tallies = this.tallies;
    new Counter({
      name: 's2b_messages_total',
      help: 'S2 messages accepted from one side, by direction and how they ended',
      labelNames: ['direction', 'outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { direction, outcome, tally } of tallies.values()) this.inc({ direction, outcome }, tally.count);
      },
    });
    const latencies = this.latencies;
    registerHistograms(
      this.registry,
      's2b_routing_latency_seconds',
      'Seconds from an S2 message read from one side (or released by the CEM hold) to its write to the other side',
      function* () {
        for (const [direction, histogram] of latencies) yield { labels: { direction }, histogram };
      },
    );
    const types = this.types;
    new Counter({
      name: 's2b_messages_received_total',
      help: 'S2 messages read from one side, by direction and message type (those of the S2 schemas, else other)',
      labelNames: ['direction', 'type'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [direction, tallies] of types)
          for (const [type, count] of tallies.entries()) this.inc({ direction, type }, count);
      },
    });
    for (const kind of ['connection', 'query', 'timeout'] as const) this.postgresErrors.inc({ kind }, 0);
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** The routing latency of one direction; the gateway observes it once per message written. */
  routingLatency(direction: MessageDirection): LatencyHistogram {
    let histogram = this.latencies.get(direction);
    if (histogram === undefined) {
      histogram = new LatencyHistogram(ROUTING_LATENCY_BUCKETS);
      this.latencies.set(direction, histogram);
    }
    return histogram;
  }

  /** The per-type counts of one direction, over `knownTypes` (given once, by the first caller). */
  messageTypes(direction: MessageDirection, knownTypes: Iterable<string>): MessageTypeTallies {
    let tallies = this.types.get(direction);
    if (tallies === undefined) {
      tallies = new MessageTypeTallies(knownTypes);
      this.types.set(direction, tallies);
    }
    return tallies;
  }

  messageCounter(direction: MessageDirection, outcome: MessageOutcome): Tally {
    const key = `${direction} ${outcome}`;
    let entry = this.tallies.get(key);
    if (entry === undefined) {
      entry = { direction, outcome, tally: new Tally() };
      this.tallies.set(key, entry);
    }
    return entry.tally;
  }

  /** A counter its owner keeps as a plain number, read when Prometheus scrapes. */
  counterOf(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  /**
   * A gauge of things per tenant, counted when Prometheus scrapes: one series per tenant `labels`
   * names, the others together as `other`. Every series is there from the start, at 0 when nothing is
   * counted, so that a named tenant whose last session closed reads 0 rather than vanishing.
   */
  tenantGaugeOf(
    name: string,
    help: string,
    labels: TenantLabels,
    read: () => Iterable<{ readonly tenantId: string }>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames: ['tenant'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const counts = new Map<string, number>(labels.all().map((tenant) => [tenant, 0]));
        for (const { tenantId } of read()) {
          const tenant = labels.of(tenantId);
          counts.set(tenant, (counts.get(tenant) ?? 0) + 1);
        }
        for (const [tenant, count] of counts) this.set({ tenant }, count);
      },
    });
  }

  /** A gauge read when Prometheus scrapes, e.g. the sockets a replica holds. */
  gaugeOf(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
