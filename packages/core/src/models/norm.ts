import { BaseModel } from './base-model.js';

/** A heat norm of a building for one premise kind, Gcal/m² per month, from a date (F08). */
export class Norm extends BaseModel {
  static override tableName = 'norms';
  id!: string;
  buildingId!: string;
  kind!: 'residential' | 'non-residential';
  effectiveFrom!: string;
  value!: string;
  createdAt!: Date;
  updatedAt!: Date;
}
