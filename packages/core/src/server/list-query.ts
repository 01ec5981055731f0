import Joi from 'joi';

export interface ListQuery {
  limit: number;
  offset: number;
  sort?: string;
  q?: string;
}

export const listQuery = {
  limit: Joi.number().integer().min(1).max(1000).default(50),
  offset: Joi.number().integer().min(0).default(0),
  sort: Joi.string().max(100),
  q: Joi.string().allow('').max(200),
};
