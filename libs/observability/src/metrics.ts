import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How an S2 message the broker accepted ended, as the delivery contract names the outcomes. */
export type MessageOutcome = 'delivered' | 'rejected' | 'temporary_error';
export type MessageDirection = 'rm_to_cem' | 'cem_to_rm';

/**
 * The process's Prometheus metrics (`GET /metrics`). One registry per process, so that in-process test
 * apps do not share counters. Roles register what they measure through the helpers; hot paths keep the
 * labelled children they need and only call `inc()`.
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
  private readonly messages = new Counter({
    name: 's2b_messages_total',
    help: 'S2 messages accepted from one side, by direction and how they ended',
    labelNames: ['direction', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 's2b_' });
  }

  messageCounter(direction: MessageDirection, outcome: MessageOutcome): Counter.Internal {
    return this.messages.labels(direction, outcome);
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
