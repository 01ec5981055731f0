import { BaseModel } from './base-model.js';

export class Meter extends BaseModel {
  static override tableName = 'meters';
  id!: string;
  serial!: string;
  deviceTypeId!: string;
  premiseId!: string | null;
  installedOn!: string | null;
  decommissionedOn!: string | null;
  waterMedium!: 'hot' | 'cold' | null;
  address!: string | null;
  options!: Record<string, unknown> | null;
  notes!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}
