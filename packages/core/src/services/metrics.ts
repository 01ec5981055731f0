import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DB } from '../tokens.js';

/**
 * Prometheus metrics of one node (`GET /metrics`): the process (CPU, memory, event loop),
 * HTTP latency by route, polls by outcome, readings stored by source, imported rows, report
 * durations and the database pool. One registry per app, so several apps in a process (tests)
 * keep their own.
 */
@injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly http = new Histogram({
    name: 'openamr_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly polls = new Counter({ name: 'openamr_polls_total', help: 'Finished polls by outcome', labelNames: ['outcome', 'trigger'], registers: [this.registry] });
  readonly readings = new Counter({ name: 'openamr_readings_stored_total', help: 'Readings stored by source', labelNames: ['source'], registers: [this.registry] });
  readonly importRows = new Counter({ name: 'openamr_import_rows_total', help: 'Rows read from imported files, by result', labelNames: ['result'], registers: [this.registry] });
  readonly reports = new Histogram({
    name: 'openamr_report_duration_seconds',
    help: 'Report generation time by generator',
    labelNames: ['generator'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(@inject(DB) db: Knex) {
    collectDefaultMetrics({ register: this.registry, prefix: 'openamr_' });
    const pool = (db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
    new Gauge({
      name: 'openamr_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        if (!pool) return;
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'free' }, pool.numFree());
        this.set({ state: 'pending' }, pool.numPendingAcquires());
      },
    });
  }
}
