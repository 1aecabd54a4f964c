/** A Discord user as far as names go. */
export interface DiscordNamedUser {
  username?: string | undefined;
  global_name?: string | null | undefined;
}

/** How Discord shows a person: their nickname in the server, else their display name, else their username. */
export function discordDisplayName(user: DiscordNamedUser, nick?: string | null): string | undefined {
  return nick || user.global_name || user.username || undefined;
}
