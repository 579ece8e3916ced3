import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How an S2 message the broker accepted ended, as the delivery contract names the outcomes. */
export type MessageOutcome = 'delivered' | 'rejected' | 'temporary_error';
export type MessageDirection = 'rm_to_cem' | 'cem_to_rm';

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
  /** Per message on the hot path: plain numbers, handed to prom-client only when scraped. */
  private readonly tallies = new Map<string, { direction: MessageDirection; outcome: MessageOutcome; tally: Tally }>();

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
