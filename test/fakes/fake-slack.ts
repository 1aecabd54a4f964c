import { createHmac } from 'node:crypto';
import type {
  AppMentionEvent,
  BotMessageEvent,
  FileShareMessageEvent,
  GenericMessageEvent,
  MessageChangedEvent,
  MessageDeletedEvent,
  ReactionAddedEvent,
  ReactionRemovedEvent,
  SlackEvent,
} from '@slack/types';
import { type FakePlatformApi, type RecordedRequest, type ScriptedAnswer, startFakePlatformApi } from './fake-platform-api';

/** The workspace, app and bot user of the fake, as Slack names them in every event. */
export const SLACK_TEAM_ID = 'T0FAKETEAM';
export const SLACK_APP_ID = 'A0FAKEAPP';
export const SLACK_BOT_USER_ID = 'U0FAKEBOT';
export const SLACK_BOT_ID = 'B0FAKEBOT';

/**
 * Slack's Web API as far as this product uses it: `POST /api/chat.postMessage` with a Bearer bot
 * token and a JSON body, answered the way Slack answers (HTTP 200 with `ok`, `ts` or `error`; HTTP
 * 429 with `Retry-After`). It records every request and can be told to rate limit or refuse.
 */
export interface FakeSlack extends FakePlatformApi {
  /** The chat.postMessage requests received, in order of arrival. */
  postedMessages(): RecordedRequest[];
  /** The next `times` requests get HTTP 429 with `Retry-After: seconds`. */
  rateLimitNext(times: number, retryAfterSeconds: number): void;
  /** The next request gets HTTP 200 `{ok:false, error}`, as Slack refuses a call. */
  refuseNext(error: string): void;
  /** The next request gets an HTTP 5xx. */
  failNext(status?: number): void;
  /** A shared file, for `files.info` and its `url_private_download` (which takes the bot token). */
  addFile(fileId: string, file: { bytes: Buffer; mimetype: string; name: string }): void;
}

export async function startFakeSlack({ botToken }: { botToken: string }): Promise<FakeSlack> {
  const files = new Map<string, { url: string; mimetype: string; name: string; size: number }>();
  const api = await startFakePlatformApi((request) => {
    if (request.method === 'GET' && request.path.startsWith('/api/files.info')) return answerFilesInfo(request, botToken, files);
    if (request.path === '/api/auth.test') {
      if (request.headers.authorization !== `Bearer ${botToken}`) return { status: 200, json: { ok: false, error: 'invalid_auth' } };
      return { status: 200, json: { ok: true, url: 'https://fake.slack.com/', team: 'Fake Team', user: 'fakebot', team_id: SLACK_TEAM_ID, user_id: SLACK_BOT_USER_ID, bot_id: SLACK_BOT_ID } };
    }
    return answerPostMessage(request, botToken);
  });
  return {
    ...api,
    addFile(fileId, { bytes, mimetype, name }) {
      const url = api.serveFile(`/files-pri/${SLACK_TEAM_ID}-${fileId}/download/${encodeURIComponent(name)}`, {
        bytes,
        contentType: mimetype,
        requiredHeaders: { authorization: `Bearer ${botToken}` },
      });
      files.set(fileId, { url, mimetype, name, size: bytes.length });
    },
    postedMessages: () => api.requests.filter((r) => r.path === '/api/chat.postMessage'),
    rateLimitNext(times, retryAfterSeconds) {
      const answer: ScriptedAnswer = { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { ok: false, error: 'ratelimited' } };
      api.enqueue(...Array.from({ length: times }, () => answer));
    },
    refuseNext: (error) => api.enqueue({ status: 200, json: { ok: false, error } }),
    failNext: (status = 503) => api.enqueue({ status, json: { ok: false, error: 'service_unavailable' } }),
  };
}

/** `files.info` (scope `files:read`): the file object, with its private download URL. */
function answerFilesInfo(request: RecordedRequest, botToken: string, files: Map<string, { url: string; mimetype: string; name: string; size: number }>): ScriptedAnswer {
  if (request.headers.authorization !== `Bearer ${botToken}`) return { status: 200, json: { ok: false, error: 'invalid_auth' } };
  const fileId = new URL(request.path, 'http://fake').searchParams.get('file') ?? '';
  const file = files.get(fileId);
  if (!file) return { status: 200, json: { ok: false, error: 'file_not_found' } };
  return { status: 200, json: { ok: true, file: { id: fileId, name: file.name, mimetype: file.mimetype, size: file.size, url_private: file.url, url_private_download: file.url } } };
}

function answerPostMessage(request: RecordedRequest, botToken: string): ScriptedAnswer {
  if (request.method !== 'POST' || request.path !== '/api/chat.postMessage') return { status: 404, json: { ok: false, error: 'unknown_method' } };
  if (!request.headers.authorization) return { status: 200, json: { ok: false, error: 'not_authed' } };
  if (request.headers.authorization !== `Bearer ${botToken}`) return { status: 200, json: { ok: false, error: 'invalid_auth' } };
  if (!request.headers['content-type']?.startsWith('application/json')) return { status: 200, json: { ok: false, error: 'invalid_form_data' } };
  const { channel, text, thread_ts } = (request.body ?? {}) as { channel?: string; text?: string; thread_ts?: string };
  if (!channel) return { status: 200, json: { ok: false, error: 'channel_not_found' } };
  if (!text) return { status: 200, json: { ok: false, error: 'no_text' } };
  if (text.length > 40_000) return { status: 200, json: { ok: false, error: 'msg_too_long' } };
  // Slack's ts is unique in its channel: one counter with the events' ts, so a reply's never equals a person's.
  const ts = nextSlackTs();
  const message = { type: 'message', subtype: 'bot_message', text, user: SLACK_BOT_USER_ID, bot_id: SLACK_BOT_ID, ts, ...(thread_ts && { thread_ts }) };
  return { status: 200, json: { ok: true, channel, ts, message } };
}

// Slack's side of the Events API: the signed requests it sends to our Request URL.

/** The headers Slack signs a request with: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignatureHeaders(signingSecret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

/** An Events API `event_callback`, shaped like the documented example, delivered to the bot's installation. */
export function slackEventCallback(event: SlackEvent, options: { eventId?: string | null } = {}) {
  return {
    token: 'XXYYZZ',
    team_id: SLACK_TEAM_ID,
    api_app_id: SLACK_APP_ID,
    event,
    type: 'event_callback',
    ...(options.eventId !== null && { event_id: options.eventId ?? `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}` }),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: SLACK_TEAM_ID, user_id: SLACK_BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: '4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMEZBS0VURUFNIn0',
  };
}

let tsCounter = 0;
/** A fresh message timestamp, unique within the test run, as Slack writes them. */
export function nextSlackTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

/** A person's message (message.im / message.channels), like the documented `message` example. */
export function slackUserMessage(args: { channel: string; user?: string; text: string; ts?: string; thread_ts?: string }): GenericMessageEvent {
  const ts = args.ts ?? nextSlackTs();
  return {
    type: 'message',
    subtype: undefined,
    channel: args.channel,
    user: args.user ?? 'U2147483697',
    text: args.text,
    ts,
    event_ts: ts,
    channel_type: args.channel.startsWith('D') ? 'im' : 'channel',
    client_msg_id: `c${ts.replace('.', '')}`,
    ...(args.thread_ts && { thread_ts: args.thread_ts, parent_user_id: 'U2147483697' }),
  };
}

/** An `app_mention`: the text starts with the bot's mention, as Slack writes it. */
export function slackAppMention(args: { channel: string; user?: string; text: string; ts?: string; thread_ts?: string }): AppMentionEvent {
  const ts = args.ts ?? nextSlackTs();
  return {
    type: 'app_mention',
    user: args.user ?? 'U061F7AUR',
    text: `<@${SLACK_BOT_USER_ID}> ${args.text}`,
    ts,
    channel: args.channel,
    event_ts: ts,
    ...(args.thread_ts && { thread_ts: args.thread_ts }),
  };
}

/** A message with an uploaded file: subtype `file_share`, the caption in `text`. */
export function slackFileShare(args: { channel: string; text: string }): FileShareMessageEvent {
  const ts = nextSlackTs();
  const file: NonNullable<FileShareMessageEvent['files']>[number] = {
    id: 'F04EEHX1EES',
    created: 1670631527,
    name: 'diagram.png',
    title: 'diagram.png',
    mimetype: 'image/png',
    filetype: 'png',
    pretty_type: 'PNG',
    user: 'U2147483697',
    editable: false,
    size: 1024,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: false,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: `https://files.slack.com/files-pri/${SLACK_TEAM_ID}-F04EEHX1EES/diagram.png`,
    permalink: 'https://fake.slack.com/files/U2147483697/F04EEHX1EES/diagram.png',
    channels: null,
    groups: null,
  };
  return {
    type: 'message',
    subtype: 'file_share',
    text: args.text,
    files: [file],
    upload: true,
    user: 'U2147483697',
    display_as_bot: false,
    ts,
    channel: args.channel,
    channel_type: args.channel.startsWith('D') ? 'im' : 'channel',
    event_ts: ts,
  };
}

/** What Slack sends when our own reply lands in a channel the app listens to. */
export function slackBotMessage(args: { channel: string; text: string }): BotMessageEvent {
  const ts = nextSlackTs();
  return { type: 'message', subtype: 'bot_message', channel: args.channel, channel_type: 'channel', text: args.text, bot_id: SLACK_BOT_ID, ts, event_ts: ts };
}

/** An edit: subtype `message_changed`, the new message nested, the one it replaces beside it (a message of its own when none is given). */
export function slackMessageChanged(args: { channel: string; text: string; original?: GenericMessageEvent }): MessageChangedEvent {
  const original = args.original ?? slackUserMessage({ channel: args.channel, text: 'before' });
  const ts = nextSlackTs();
  return {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: args.channel,
    channel_type: original.channel_type,
    ts,
    event_ts: ts,
    message: { ...original, text: args.text, edited: { user: original.user, ts } },
    previous_message: original,
  };
}

/** A delete: subtype `message_deleted`, naming the message by `deleted_ts`. */
export function slackMessageDeleted(original: GenericMessageEvent): MessageDeletedEvent {
  const ts = nextSlackTs();
  return {
    type: 'message',
    subtype: 'message_deleted',
    hidden: true,
    channel: original.channel,
    channel_type: original.channel_type,
    ts,
    event_ts: ts,
    deleted_ts: original.ts,
    previous_message: original,
  };
}

/** `reaction_added` or `reaction_removed` by `user` on the message `ts` in `channel` (a person's, or one of the bot's replies). */
export function slackReaction(args: {
  type: 'reaction_added' | 'reaction_removed';
  user: string;
  reaction: string;
  channel: string;
  ts: string;
  itemUser: string;
}): ReactionAddedEvent | ReactionRemovedEvent {
  return {
    type: args.type,
    user: args.user,
    reaction: args.reaction,
    item_user: args.itemUser,
    item: { type: 'message', channel: args.channel, ts: args.ts },
    event_ts: nextSlackTs(),
  };
}
