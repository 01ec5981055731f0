import { BaseModel } from './base-model.js';

export class Premise extends BaseModel {
  static override tableName = 'premises';
  id!: string;
  buildingId!: string | null;
  number!: string;
  floor!: number | null;
  entrance!: number | null;
  area!: string;
  accountNumber!: string | null;
  acceptanceDate!: string | null;
  kind!: 'residential' | 'non-residential';
  createdAt!: Date;
  updatedAt!: Date;
}
