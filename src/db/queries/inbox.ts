import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema';

/** What the console's inbox shows of a conversation. */
export interface InboxRow {
  id: string;
  botId: string;
  platform: string;
  chatId: string;
  /** The latest name the person's messages came with, where the platform sends one. */
  personName: string | null;
  status: 'active' | 'handoff' | 'ended';
  assignedTo: string | null;
  assignedName: string | null;
  /** The latest message's or the start's time. */
  activityAt: Date;
  lastText: string | null;
  lastAuthor: 'user' | 'bot' | 'agent' | null;
  /** In handoff and no operator has written since: how long it has waited, in ms. */
  waitingMs: number | null;
  /** The person's latest understood message was negative. */
  negative: boolean;
}

export interface InboxFilters {
  botId?: string;
  platform?: string;
  status?: 'active' | 'handoff' | 'ended';
  /** Only conversations in handoff that no operator has answered yet. */
  waiting?: boolean;
  /** Only conversations whose person's latest understood message was negative. */
  negative?: boolean;
  /** Only those assigned to this key id. */
  assignedTo?: string;
  /** Words in any message of the conversation (case-insensitive, through the trigram index). */
  search?: string;
}

/**
 * A page of the inbox, the latest activity first. `onlyBots` is the caller's scope; `onlyId` asks
 * whether one conversation matches (the live inbox uses it for each change it hears of).
 */
export async function listInbox(
  db: Kysely<Database>,
  args: InboxFilters & { limit: number; onlyBots?: string[]; onlyId?: string; before?: { activityAt: Date; id: string } },
): Promise<InboxRow[]> {
  const activity = sql<Date>`coalesce(c.last_message_at, c.started_at)`;
  const unanswered = sql<boolean>`(c.status = 'handoff' and not exists (
      select 1 from messages a where a.conversation_id = c.id and a.author = 'agent' and a.created_at >= coalesce(c.handoff_at, c.started_at)))`;
  const latestSentiment = sql<string | null>`(
      select s.sentiment from messages s
      where s.conversation_id = c.id and s.direction = 'inbound' and s.sentiment is not null
      order by s.seq desc limit 1)`;
  let query = db
    .selectFrom('conversations as c')
    .leftJoinLateral(
      (eb) => eb.selectFrom('messages as m').select(['m.text', 'm.author']).whereRef('m.conversation_id', '=', 'c.id').orderBy('m.seq', 'desc').limit(1).as('last'),
      (join) => join.onTrue(),
    )
    .select([
      'c.id',
      'c.bot_id',
      'c.platform',
      'c.chat_id',
      'c.person_name',
      'c.status',
      'c.assigned_to',
      'c.assigned_name',
      activity.as('activity_at'),
      'last.text as last_text',
      'last.author as last_author',
      sql<number | null>`case when ${unanswered} then round(extract(epoch from (now() - coalesce(c.handoff_at, c.started_at))) * 1000)::float8 end`.as('waiting_ms'),
      sql<boolean>`coalesce(${latestSentiment} = 'negative', false)`.as('negative'),
    ]);
  if (args.onlyBots) query = args.onlyBots.length > 0 ? query.where('c.bot_id', 'in', args.onlyBots) : query.where(sql<boolean>`false`);
  if (args.onlyId) query = query.where('c.id', '=', args.onlyId);
  if (args.botId) query = query.where('c.bot_id', '=', args.botId);
  if (args.platform) query = query.where('c.platform', '=', args.platform);
  if (args.status) query = query.where('c.status', '=', args.status);
  if (args.assignedTo) query = query.where('c.assigned_to', '=', args.assignedTo);
  if (args.waiting) query = query.where(unanswered);
  if (args.negative) query = query.where(sql<boolean>`${latestSentiment} = 'negative'`);
  if (args.search) {
    const pattern = `%${args.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    query = query.where('c.id', 'in', (eb) => eb.selectFrom('messages as t').select('t.conversation_id').where('t.text', 'ilike', pattern));
  }
  if (args.before) query = query.where(sql<boolean>`(${activity}, c.id) < (${args.before.activityAt}, ${args.before.id}::uuid)`);
  const rows = await query.orderBy(activity, 'desc').orderBy('c.id', 'desc').limit(args.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    botId: row.bot_id,
    platform: row.platform,
    chatId: row.chat_id,
    personName: row.person_name,
    status: row.status,
    assignedTo: row.assigned_to,
    assignedName: row.assigned_name,
    activityAt: new Date(row.activity_at),
    lastText: row.last_text ?? null,
    lastAuthor: (row.last_author as InboxRow['lastAuthor']) ?? null,
    waitingMs: row.waiting_ms === null ? null : Number(row.waiting_ms),
    negative: row.negative,
  }));
}

/**
 * Makes the conversation `actor`'s, unless someone else has it: one conditional update, so of two
 * operators taking it at once exactly one gets it. Returns who has it afterwards.
 */
export async function assignConversation(
  db: Kysely<Database>,
  args: { conversationId: string; actorId: string; actorName: string },
): Promise<{ taken: boolean; assignedName: string | null }> {
  const updated = await db
    .updateTable('conversations')
    .set({ assigned_to: args.actorId, assigned_name: args.actorName })
    .where('id', '=', args.conversationId)
    .where((eb) => eb.or([eb('assigned_to', 'is', null), eb('assigned_to', '=', args.actorId)]))
    .returning('assigned_name')
    .executeTakeFirst();
  if (updated) return { taken: true, assignedName: updated.assigned_name };
  const holder = await db.selectFrom('conversations').select('assigned_name').where('id', '=', args.conversationId).executeTakeFirst();
  return { taken: false, assignedName: holder?.assigned_name ?? null };
}

/** Gives the conversation up, if it is `actorId`'s. */
export async function unassignConversation(db: Kysely<Database>, args: { conversationId: string; actorId: string }): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ assigned_to: null, assigned_name: null })
    .where('id', '=', args.conversationId)
    .where('assigned_to', '=', args.actorId)
    .execute();
}
