import { BaseModel } from './base-model.js';

export class Radiator extends BaseModel {
  static override tableName = 'radiators';
  id!: string;
  model!: string;
  manufacturer!: string | null;
  type!: string | null;
  height!: number | null;
  width!: number | null;
  coefficient!: string;
  createdAt!: Date;
  updatedAt!: Date;
}
