/** What an API key may do. Each role includes the ones below it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** Who is calling: a stored key, or the bootstrap ADMIN_API_KEY. */
export interface Actor {
  /** The key's id, or `bootstrap` for ADMIN_API_KEY. */
  id: string;
  name: string;
  role: Role;
  /** The bots it may see and act on; absent: every bot. */
  bots?: string[];
}
