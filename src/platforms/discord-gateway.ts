import { REST } from '@discordjs/rest';
import { type SessionInfo, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import type { Logger } from 'pino';
import type { InboundMessage } from '../conversations/inbound-message';
import type { DiscordCredentials } from './discord';
import { DISCORD_GATEWAY_INTENTS, parseGatewayMessage } from './discord-gateway-message';

export interface DiscordGatewayChannel {
  botId: string;
  credentials: DiscordCredentials;
}

export interface DiscordGatewaysOptions {
  /** Every bot's Discord channel; read again every `refreshMs`, so added, changed and removed channels follow. */
  listChannels(): Promise<DiscordGatewayChannel[]>;
  /** Hands one message to its conversation; throws when Temporal cannot take it now. */
  accept(message: InboundMessage): Promise<void>;
  /** DISCORD_API_BASE_URL: the Gateway's address is asked of `GET {base}/gateway/bot`. */
  baseUrl: string;
  logger: Logger;
  /** How often the channels are read again. Default 30 s. */
  refreshMs?: number;
  /** How long a message is offered to Temporal before it is given up (the Gateway never redelivers). Default 60 s. */
  acceptForMs?: number;
}

export interface DiscordGateways {
  /** Reads the channels now and connects, or disconnects, to match. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface Connection {
  token: string;
  manager: WebSocketManager;
  /** The bot's own user id, from READY: a mention of it addresses the bot. */
  botUserId?: string;
}

/**
 * One Gateway connection per bot with a Discord channel, for what HTTP interactions cannot carry:
 * mentions of the bot in servers and threads, and direct messages. `@discordjs/ws` keeps each
 * connection alive (heartbeats, resumes, reconnects) and shards it as Discord recommends.
 */
export function startDiscordGateways(options: DiscordGatewaysOptions): DiscordGateways {
  const { listChannels, baseUrl, logger, refreshMs = 30_000 } = options;
  const connections = new Map<string, Connection>();
  let syncing: Promise<void> | undefined;
  let closed = false;

  async function connect(channel: DiscordGatewayChannel): Promise<void> {
    const { botId, credentials } = channel;
    const token = credentials.botToken;
    // The library's default session store is one per process, keyed by shard id alone: with two
    // bots, one would try to resume the other's session. Each connection keeps its own.
    const sessions = new Map<number, SessionInfo>();
    const manager = new WebSocketManager({
      token,
      intents: DISCORD_GATEWAY_INTENTS,
      rest: restFor(baseUrl, token),
      version: apiVersion(baseUrl),
      retrieveSessionInfo: (shardId) => sessions.get(shardId) ?? null,
      updateSessionInfo: (shardId, info) => void (info ? sessions.set(shardId, info) : sessions.delete(shardId)),
    });
    const connection: Connection = { token, manager };
    connections.set(botId, connection);
    manager.on(WebSocketShardEvents.Ready, (data) => {
      connection.botUserId = data.user.id;
      logger.info({ botId, discordUserId: data.user.id }, 'Discord Gateway connected');
    });
    manager.on(WebSocketShardEvents.Dispatch, (payload) => {
      if (payload.t !== 'MESSAGE_CREATE' || !connection.botUserId) return;
      const outcome = parseGatewayMessage({ botId, botUserId: connection.botUserId, data: payload.d, receivedAt: new Date().toISOString() });
      if (outcome.kind === 'ignored') {
        logger.debug({ botId, reason: outcome.reason }, 'Discord Gateway message ignored');
        return;
      }
      void acceptPatiently(outcome.message);
    });
    manager.on(WebSocketShardEvents.Error, (error) => logger.warn({ botId, err: error }, 'Discord Gateway error'));
    try {
      await manager.connect();
    } catch (error) {
      // A bad token or an unreachable Discord: tried again at the next read of the channels.
      logger.error({ botId, err: error }, 'Discord Gateway could not connect; check the channel\'s bot token. Trying again shortly');
      await disconnect(botId);
    }
  }

  /** The Gateway never sends a message twice: hold on to it while Temporal is briefly away. */
  async function acceptPatiently(message: InboundMessage): Promise<void> {
    const deadline = Date.now() + (options.acceptForMs ?? 60_000);
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await options.accept(message);
        return;
      } catch (error) {
        if (closed || Date.now() + wait > deadline) {
          logger.error({ botId: message.botId, chatId: message.chatId, messageId: message.messageId, err: error }, 'Discord message not accepted; it is lost');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async function disconnect(botId: string): Promise<void> {
    const connection = connections.get(botId);
    connections.delete(botId);
    try {
      await connection?.manager.destroy();
    } catch (error) {
      logger.warn({ botId, err: error }, 'Discord Gateway did not close cleanly');
    }
  }

  async function syncOnce(): Promise<void> {
    let channels: DiscordGatewayChannel[];
    try {
      channels = await listChannels();
    } catch (error) {
      logger.warn({ err: error }, 'Discord channels could not be read; the Gateway connections stay as they are');
      return;
    }
    const wanted = new Map(channels.map((channel) => [channel.botId, channel]));
    for (const botId of [...connections.keys()]) {
      const channel = wanted.get(botId);
      if (!channel || channel.credentials.botToken !== connections.get(botId)!.token) await disconnect(botId);
    }
    for (const channel of wanted.values()) {
      if (!closed && !connections.has(channel.botId)) await connect(channel);
    }
  }

  const sync = () => (syncing ??= syncOnce().finally(() => (syncing = undefined)));
  const timer = setInterval(() => void sync(), refreshMs);
  void sync();

  return {
    sync,
    async close() {
      closed = true;
      clearInterval(timer);
      await syncing;
      await Promise.all([...connections.keys()].map(disconnect));
    },
  };
}

/** `https://discord.com/api/v10` → the REST client's root and version. */
function restFor(baseUrl: string, token: string): REST {
  const root = /^(.*)\/v\d+\/?$/.exec(baseUrl)?.[1] ?? baseUrl;
  return new REST({ api: root, version: apiVersion(baseUrl) }).setToken(token);
}

function apiVersion(baseUrl: string): string {
  return /\/v(\d+)\/?$/.exec(baseUrl)?.[1] ?? '10';
}
