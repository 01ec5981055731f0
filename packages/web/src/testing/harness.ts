/**
 * The harness of the component tests (`<name>.test.ts` beside each component, STYLE rule
 * 12): `test()` registers, `window.__runComponentTests()` runs them in the page and answers
 * the results; packages/web/test/components.spec.ts bundles each file with Vite and runs it
 * in Chromium. Not part of the app bundle.
 */
export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
}

const tests: Array<{ name: string; fn: () => unknown }> = [];

export function test(name: string, fn: () => unknown): void {
  tests.push({ name, fn });
}

export class AssertionError extends Error {}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, what = 'value'): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}

/** Waits until `fn` answers something truthy (re-renders are asynchronous); fails after `ms`. */
export async function until<T>(fn: () => T, what: string, ms = 3000): Promise<NonNullable<T>> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v as NonNullable<T>;
    if (performance.now() > deadline) throw new AssertionError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
}
type Answer = unknown | { status: number; body: unknown };
export type Routes = Record<string, (call: Call, query: URLSearchParams) => Answer>;

/**
 * Replaces `fetch` with answers by `'METHOD /path'` (no query); `{status, body}` answers
 * that status, anything else 200 with it as JSON. Unknown GETs answer an empty list.
 */
export function mockApi(routes: Routes): Call[] {
  const calls: Call[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), location.href);
    const method = (init?.method ?? 'GET').toUpperCase();
    const call = { method, path: url.pathname + url.search, body: typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body };
    calls.push(call);
    const route = routes[`${method} ${url.pathname}`];
    const answer: Answer = route ? route(call, url.searchParams) : method === 'GET' ? { items: [], total: 0, value: null } : { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'Not found' } };
    const { status, body } = answer && typeof answer === 'object' && 'status' in answer && typeof answer.status === 'number' ? (answer as { status: number; body: unknown }) : { status: 200, body: answer };
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return calls;
}

/** Mounts an element in a fresh body and waits for its first render. */
export async function mount<E extends HTMLElement & { updateComplete?: Promise<unknown> }>(el: E): Promise<E> {
  document.body.replaceChildren(el);
  await el.updateComplete;
  return el;
}

export function $<E extends Element = HTMLElement>(host: Element, selector: string): E | null {
  return (host.shadowRoot ?? host).querySelector<E>(selector);
}

export function $$<E extends Element = HTMLElement>(host: Element, selector: string): E[] {
  return [...(host.shadowRoot ?? host).querySelectorAll<E>(selector)];
}

declare global {
  interface Window {
    __runComponentTests?: () => Promise<TestResult[]>;
  }
}

window.__runComponentTests = async () => {
  const results: TestResult[] = [];
  for (const t of tests) {
    try {
      await t.fn();
      results.push({ name: t.name, ok: true });
    } catch (err) {
      results.push({ name: t.name, ok: false, error: (err as Error).stack ?? String(err) });
    }
    document.body.replaceChildren();
  }
  return results;
};
