export type Role = 'operator' | 'manager' | 'administrator';

export const ROLES: readonly Role[] = ['operator', 'manager', 'administrator'];

/** Each role may do what the roles before it may: operator reads, manager writes, administrator manages users. */
export function scopesOf(role: Role): Role[] {
  return ROLES.slice(0, ROLES.indexOf(role) + 1) as Role[];
}
