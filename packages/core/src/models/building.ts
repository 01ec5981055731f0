import { BaseModel } from './base-model.js';

export class Building extends BaseModel {
  static override tableName = 'buildings';
  id!: string;
  name!: string;
  address!: string;
  totalArea!: string | null;
  notes!: string | null;
  timeZone!: string;
  createdAt!: Date;
  updatedAt!: Date;
}
