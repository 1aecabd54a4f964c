import type { Role } from '../auth/roles';

export interface AccessRule {
  /** An HTTP method, or `*` for any. */
  method: string;
  /** Matched against the path under `/v1`. */
  path: RegExp;
  role: Role;
}

/**
 * Who may do what under `/v1`, in one place. The first rule that matches decides: viewers read,
 * operators also run conversations and post on the API channel, admins do everything.
 */
export const ACCESS_RULES: readonly AccessRule[] = [
  { method: '*', path: /^\/api-keys(\/|$)/, role: 'admin' },
  { method: '*', path: /^\/webhook-subscriptions(\/|$)/, role: 'admin' },
  { method: 'POST', path: /^\/bots\/[^/]+\/messages$/, role: 'operator' },
  { method: 'POST', path: /^\/bots\/[^/]+\/conversations$/, role: 'operator' },
  { method: 'GET', path: /^\/bots\/[^/]+\/channels(\/|$)/, role: 'admin' },
  // A tool's URL is the team's own endpoint: admins only.
  { method: 'GET', path: /^\/bots\/[^/]+\/tools(\/|$)/, role: 'admin' },
  { method: 'GET', path: /^\//, role: 'viewer' },
  { method: '*', path: /^\/conversations(\/|$)/, role: 'operator' },
  { method: '*', path: /^\//, role: 'admin' },
];

export function requiredRole(method: string, path: string): Role {
  const rule = ACCESS_RULES.find((r) => (r.method === '*' || r.method === method) && r.path.test(path));
  return rule?.role ?? 'admin';
}
