/**
 * A sort key for premise numbers so "Кв.2" comes before "Кв.10" and all "Кв." before "Маг.":
 * the number's letters, then its first run of digits padded to 12.
 */
export function naturalNumberKey(column: string): string {
  return `(regexp_replace(${column}, '\\d', '', 'g') || lpad(coalesce(substring(${column} from '\\d+'), ''), 12, '0'))`;
}
