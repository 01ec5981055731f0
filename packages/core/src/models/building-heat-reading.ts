import type objection from 'objection';
import { BaseModel } from './base-model.js';

/** A reading of the building heat meter (ODPU, F07). */
export class BuildingHeatReading extends BaseModel {
  static override tableName = 'building_heat_readings';
  id!: string;
  buildingId!: string;
  day!: string;
  value!: string;
  unit!: string;
  createdBy!: string | null;
  createdAt!: Date;
  updatedAt!: Date;

  /** The API calls the day of a reading `date`, as for meter readings. */
  override $formatJson(json: objection.Pojo): objection.Pojo {
    const { day, ...rest } = super.$formatJson(json);
    return { date: day, ...rest };
  }

  override $parseJson(json: objection.Pojo, opt?: objection.ModelOptions): objection.Pojo {
    const { date, ...rest } = json;
    return super.$parseJson(date === undefined ? rest : { ...rest, day: date }, opt);
  }
}
