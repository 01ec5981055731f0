import type { Knex } from 'knex';
import { InputError } from '../plugin-api/errors.js';

export interface SortSpec {
  column: string;
  order: 'asc' | 'desc';
}

/**
 * `sort=name` or `sort=-totalArea` (several comma-separated) → SQL order by the allowed
 * columns; an unknown field is an InputError naming it and the fields that work.
 */
export function parseSort(sort: string | undefined, allowed: Record<string, string>, fallback: SortSpec[]): SortSpec[] {
  if (!sort) return fallback;
  return sort.split(',').map((part) => {
    const desc = part.startsWith('-');
    const field = part.replace(/^[-+]/, '').trim();
    const column = allowed[field];
    if (!column) {
      const names = Object.keys(allowed).join(', ');
      throw new InputError(
        { ru: `Нельзя сортировать по полю «${field}»; можно по: ${names}`, en: `Cannot sort by "${field}"; sortable fields: ${names}` },
        { field: 'sort' },
      );
    }
    return { column, order: desc ? 'desc' : 'asc' };
  });
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The number of rows a (filtered) query would return: the `total` of a paged list. */
export async function countOf(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.clearSelect().clearOrder().count<{ total: number }[]>({ total: '*' });
  return Number(row?.total ?? 0);
}

/**
 * One page of a list and the total: `rows` adds the select and order to the filtered `base`,
 * `map` turns a row into the API shape.
 */
export async function pageOf<T>(
  base: Knex.QueryBuilder,
  q: { limit: number; offset: number },
  rows: (b: Knex.QueryBuilder) => Knex.QueryBuilder,
  map: (r: Record<string, any>) => T,
): Promise<{ items: T[]; total: number }> {
  const total = await countOf(base.clone());
  const found: Array<Record<string, any>> = await rows(base.clone()).limit(q.limit).offset(q.offset);
  return { total, items: found.map(map) };
}
