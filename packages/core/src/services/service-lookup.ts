import type { ServiceLookup, ServiceRef } from '../plugin-api/service-refs.js';

/** A lookup of the services lent to plugin code, by ref. */
export function createServiceLookup(entries: Array<[ServiceRef<unknown>, unknown]>): ServiceLookup {
  const map = new Map(entries.map(([ref, value]) => [ref.id, value]));
  return {
    get<T>(ref: ServiceRef<T>): T {
      if (!map.has(ref.id)) throw new Error(`service ${ref.id} is not available here`);
      return map.get(ref.id) as T;
    },
  };
}
