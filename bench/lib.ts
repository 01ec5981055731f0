import knexFactory, { type Knex } from 'knex';

/** Where benchmarks put their data: a database of their own on the PostgreSQL of BENCH_DATABASE_URL. */
export const BENCH_SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function benchDatabase(name: string): Promise<string> {
  const admin = knexFactory({ client: 'pg', connection: BENCH_SERVER, pool: { min: 0, max: 1 } });
  try {
    const exists = await admin('pg_database').where({ datname: name }).first();
    if (!exists) await admin.raw('create database ??', [name]);
  } finally {
    await admin.destroy();
  }
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the median in ms. */
export async function time(fn: () => Promise<unknown>, runs = 15, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(xs);
}

export function report(rows: Array<{ case: string; ours: number; baseline: number; target: number }>): boolean {
  let ok = true;
  console.log('\n| case | OpenAMR (ms, median) | baseline (ms, median) | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.ours / r.baseline;
    if (ratio > r.target) ok = false;
    console.log(`| ${r.case} | ${r.ours.toFixed(2)} | ${r.baseline.toFixed(2)} | ${ratio.toFixed(2)}× | ≤ ${r.target}× ${ratio <= r.target ? '✓' : '✗'} |`);
  }
  return ok;
}

export async function withKnex<T>(url: string, fn: (k: Knex) => Promise<T>): Promise<T> {
  const k = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
  try {
    return await fn(k);
  } finally {
    await k.destroy();
  }
}
