import { BaseModel } from './base-model.js';

/** One period of a meter's radiator history: the radiator in force from `validFrom` to `validTo` (exclusive). */
export class MeterRadiator extends BaseModel {
  static override tableName = 'meter_radiators';
  id!: string;
  meterId!: string;
  radiatorId!: string;
  validFrom!: string | null;
  validTo!: string | null;
  createdAt!: Date;
}
