import { BaseModel } from './base-model.js';

export class Reading extends BaseModel {
  static override tableName = 'readings';
  static override idColumn = ['id', 'day'];
  id!: string;
  meterId!: string;
  takenAt!: Date;
  day!: string;
  value!: string | null;
  unit!: string | null;
  values!: Record<string, string | number> | null;
  errorCode!: string | null;
  source!: string;
  sourceKey!: string;
  /** The frame the reading was decoded from (hex for binary telegrams); null for manual and imported readings. */
  raw!: string | null;
  pollRunId!: string | null;
  importId!: string | null;
  createdBy!: string | null;
  createdAt!: Date;
}
