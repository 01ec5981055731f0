import Joi from 'joi';
import { isValidPattern } from '../files/name-pattern.js';
import type { FilePollSettings } from '../files/poll-files.js';

/** The settings every folder driver shares: which files, how large, and whether to delete them. */
export const filePollSettingsKeys = {
  pattern: Joi.string()
    .max(200)
    .custom((v: string, h) => (isValidPattern(v) ? v : h.error('any.invalid')))
    .default('*.{csv,xlsx}')
    .messages({ 'any.invalid': '"pattern" must be a file-name glob such as *.csv' }),
  maxFileMb: Joi.number().positive().max(1024).default(50),
  deleteAfterRead: Joi.boolean().default(false),
};

export type { FilePollSettings };
