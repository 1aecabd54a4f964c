import type { Kysely } from 'kysely';
import { openSecret, sealSecret } from '../crypto/secret-box';
import { deleteChannel, findSealedChannel, listSealedChannels, upsertChannel } from '../db/queries/channels';
import type { Database } from '../db/schema';

export type ChannelCredentials = Record<string, string>;

/** Where the credentials of each bot's channels live: sealed in Postgres, or declared in the environment. */
export interface ChannelDirectory {
  find(botId: string, platform: string): Promise<ChannelCredentials | undefined>;
  save(botId: string, platform: string, credentials: ChannelCredentials): Promise<{ created: boolean }>;
  remove(botId: string, platform: string): Promise<boolean>;
  /** Every bot's channel on one platform, stored or declared in the environment. */
  list(platform: string): Promise<Array<{ botId: string; credentials: ChannelCredentials }>>;
}

export interface ChannelDirectoryOptions {
  db: Kysely<Database>;
  encryptionKey: Buffer;
  /** Channels declared in the environment, by `botId:platform`; a saved channel takes precedence. */
  configured?: ReadonlyMap<string, ChannelCredentials>;
  /** How long a lookup is reused. Default 5 s; saves and removals in this process apply at once. */
  ttlMs?: number;
}

export function createChannelDirectory({ db, encryptionKey, configured = new Map(), ttlMs = 5_000 }: ChannelDirectoryOptions): ChannelDirectory {
  const cache = new Map<string, { credentials: ChannelCredentials | undefined; at: number }>();
  const keyOf = (botId: string, platform: string) => `${botId}:${platform}`;

  return {
    async find(botId, platform) {
      const key = keyOf(botId, platform);
      const cached = cache.get(key);
      if (cached && Date.now() - cached.at < ttlMs) return cached.credentials;
      let sealed: string | undefined;
      try {
        sealed = await findSealedChannel(db, { botId, platform });
      } catch (error) {
        // The database is down: the last answer, or the environment's, keeps webhooks flowing.
        if (cached) return cached.credentials;
        if (configured.has(key)) return configured.get(key);
        throw error;
      }
      const credentials = sealed ? (JSON.parse(openSecret(encryptionKey, sealed)) as ChannelCredentials) : configured.get(key);
      cache.set(key, { credentials, at: Date.now() });
      return credentials;
    },
    async save(botId, platform, credentials) {
      const result = await upsertChannel(db, { botId, platform, sealedCredentials: sealSecret(encryptionKey, JSON.stringify(credentials)) });
      cache.delete(keyOf(botId, platform));
      return result;
    },
    async remove(botId, platform) {
      const removed = await deleteChannel(db, { botId, platform });
      cache.delete(keyOf(botId, platform));
      return removed;
    },
    async list(platform) {
      const found = new Map<string, ChannelCredentials>();
      for (const [key, credentials] of configured) {
        const [botId, configuredPlatform] = key.split(':') as [string, string];
        if (configuredPlatform === platform) found.set(botId, credentials);
      }
      for (const { botId, sealed } of await listSealedChannels(db, { platform })) {
        found.set(botId, JSON.parse(openSecret(encryptionKey, sealed)) as ChannelCredentials);
      }
      return [...found].map(([botId, credentials]) => ({ botId, credentials }));
    },
  };
}
