import objection from 'objection';

/** camelCase in code, snake_case in the database; `$formatJson` output is the API shape. */
export class BaseModel extends objection.Model {
  static override get columnNameMappers() {
    return objection.snakeCaseMappers();
  }
}
