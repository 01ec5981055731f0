import type { Role } from './roles.js';

/** Who does a change: recorded in the audit log with it. `null` user = the system. */
export interface Actor {
  userId: string | null;
  email: string | null;
  role: Role | null;
  ip: string | null;
  lang: 'ru' | 'en';
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, email: 'system', role: 'administrator', ip: null, lang: 'ru' as const });
