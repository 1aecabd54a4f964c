import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { BotDirectory } from '../../bots/bot-directory';
import { isBotId } from '../../bots/bot-id';
import type { ChannelDirectory } from '../../channels/channel-directory';
import { deleteCannedResponse, lastInboundByPlatform, listCannedResponses, upsertCannedResponse } from '../../db/queries/console-notes';
import { findBotRecord, insertBot, listBots, updateBot } from '../../db/queries/bots';
import { deleteBotTool, listBotTools } from '../../db/queries/bot-tools';
import type { MessagingPlatform } from '../../platforms/messaging-platform';
import { webhookUrlFor } from '../../platforms/webhook-setup';
import { roleAllows } from '../../auth/roles';
import { AppError } from '../app-error';
import { botInScope, scopedBots } from '../bot-scope';
import { addBotTool } from '../bot-tool-actions';
import { botFormValues, type FieldErrors, type FormFields, readBotEditForm, readNewBotForm } from './bot-form';
import type { ConsolePages } from './console-app';
import type { ConsoleEnv } from './console-env';
import { requireRole } from './console-session';
import { BotFormPage, BotsPage, type ChannelView, type ToolFormState } from './pages/bots-page';
import { readToolForm } from './tool-form';

const CannedFormSchema = z.object({ title: z.string().trim().min(1).max(100), text: z.string().trim().min(1).max(4000) });

export interface BotPagesDeps extends ConsolePages {
  bots: BotDirectory;
  channels: ChannelDirectory;
  platforms: Record<string, MessagingPlatform>;
  publicUrl: string | undefined;
  /** Seals tools' signing secrets, as `/v1/bots/:botId/tools` does. */
  encryptionKey: Buffer;
  /** TOOLS_ALLOW_HTTP: tools may be plain-HTTP URLs (development). */
  toolsAllowHttp: boolean;
}

/**
 * `/console/bots`: a bot's settings in a form validated by the schemas `/v1/bots` uses, its channels
 * (credentials write-only, the webhook URL, the last verified webhook) and its canned responses.
 * Everyone with the bot in scope reads; admins change.
 */
export function createBotPages({ db, bots, channels, platforms, publicUrl, encryptionKey, toolsAllowHttp, pageContext, flash }: BotPagesDeps) {
  const app = new Hono<ConsoleEnv>();
  const isAdmin = (c: Context<ConsoleEnv>) => roleAllows(c.get('actor')!.role, 'admin');

  async function requireBotInConsole(c: Context<ConsoleEnv>, botId: string) {
    const bot = isBotId(botId) && botInScope(c, botId) ? await findBotRecord(db, botId) : undefined;
    if (!bot) throw new AppError('not_found', `No bot with id "${botId}".`);
    return bot;
  }

  async function editPage(c: Context<ConsoleEnv>, botId: string, values: FormFields, errors: FieldErrors, status: 200 | 201 | 400 = 200, toolForm: ToolFormState = {}) {
    const [stored, lastInbound, canned, tools] = await Promise.all([
      Promise.all(Object.values(platforms).map(async (module) => [module.platform, (await channels.find(botId, module.platform)) !== undefined] as const)),
      lastInboundByPlatform(db, botId),
      listCannedResponses(db, botId),
      listBotTools(db, botId),
    ]);
    const channelViews: ChannelView[] = stored.map(([platform, isStored]) => ({
      platform,
      stored: isStored,
      credentialFields: Object.keys(platforms[platform]!.about.credentialVariables),
      webhook: webhookUrlFor({ publicUrl, platform, botId }),
      lastVerifiedAt: lastInbound.get(platform) ?? null,
    }));
    return c.html(
      <BotFormPage page={pageContext(c)} mode="edit" values={values} errors={errors} canEdit={isAdmin(c)} channels={channelViews} canned={canned} tools={{ list: tools, ...toolForm }} />,
      status,
    );
  }

  app.get('/', async (c) => {
    const list = await listBots(db, { limit: 500, onlyIds: scopedBots(c) });
    return c.html(<BotsPage page={pageContext(c)} bots={list} canCreate={isAdmin(c) && !scopedBots(c)} />);
  });

  app.get('/new', (c) => {
    requireRole(c, 'admin');
    return c.html(<BotFormPage page={pageContext(c)} mode="new" values={{}} errors={{}} canEdit />);
  });

  app.post('/', async (c) => {
    requireRole(c, 'admin');
    // A key limited to some bots makes none: the new bot would be outside its own scope.
    if (scopedBots(c)) throw new AppError('forbidden', 'This key is limited to some bots; bots are created with a key for every bot.');
    const form = readNewBotForm(await c.req.parseBody());
    if (!form.ok) return c.html(<BotFormPage page={pageContext(c)} mode="new" values={form.values} errors={form.errors} canEdit />, 400);
    const created = await insertBot(db, form.value);
    if (!created) {
      return c.html(<BotFormPage page={pageContext(c)} mode="new" values={{ ...botFormValues(form.value) }} errors={{ id: `The id "${form.value.id}" is taken; ids of deleted bots are never reused.` }} canEdit />, 400);
    }
    bots.forget(created.id);
    return flash(c, `/console/bots/${created.id}`, { kind: 'notice', text: 'Bot created.' });
  });

  app.get('/:botId', async (c) => {
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    return editPage(c, bot.id, botFormValues(bot), {});
  });

  app.post('/:botId', async (c) => {
    requireRole(c, 'admin');
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    const form = readBotEditForm(await c.req.parseBody());
    if (!form.ok) return editPage(c, bot.id, { ...form.values, id: bot.id }, form.errors, 400);
    await updateBot(db, bot.id, form.value);
    bots.forget(bot.id);
    return flash(c, `/console/bots/${bot.id}`, { kind: 'notice', text: 'Saved: running conversations use it from their next turn.' });
  });

  app.post('/:botId/channels/:platform', async (c) => {
    requireRole(c, 'admin');
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    const module = platforms[c.req.param('platform')];
    if (!module) throw new AppError('not_found', `No platform "${c.req.param('platform')}".`);
    const credentials = module.credentialsSchema.safeParse(await c.req.parseBody());
    const back = `/console/bots/${bot.id}`;
    if (!credentials.success) {
      const problems = credentials.error.issues.map((issue) => `${issue.path.join('.') || 'credentials'}: ${issue.message}`).join('; ');
      return flash(c, back, { kind: 'error', text: `The ${module.platform} credentials were not stored: ${problems}.` });
    }
    await channels.save(bot.id, module.platform, credentials.data);
    return flash(c, back, { kind: 'notice', text: `Stored the ${module.platform} credentials.` });
  });

  app.post('/:botId/tools', async (c) => {
    requireRole(c, 'admin');
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    const typed = await c.req.parseBody();
    const form = readToolForm(typed, { allowHttp: toolsAllowHttp });
    if (!form.ok) return editPage(c, bot.id, botFormValues(bot), {}, 400, { values: form.values, errors: form.errors });
    try {
      const { row, secret } = await addBotTool({ db, encryptionKey }, bot.id, form.value);
      // Shown on this page only: the secret is stored sealed and never shown again.
      return await editPage(c, bot.id, botFormValues(bot), {}, 201, { created: { name: row.name, secret } });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // A name the bot already has is the name's problem; a bot at its most tools, the form's.
      return editPage(c, bot.id, botFormValues(bot), {}, 400, { values: typed, errors: error.code === 'conflict' ? { name: error.message } : { form: error.message } });
    }
  });

  app.post('/:botId/tools/:name/delete', async (c) => {
    requireRole(c, 'admin');
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    const name = c.req.param('name');
    const deleted = await deleteBotTool(db, { botId: bot.id, name });
    return flash(c, `/console/bots/${bot.id}`, deleted ? { kind: 'notice', text: `Deleted the tool “${name}”.` } : { kind: 'error', text: `No tool named “${name}”.` });
  });

  app.post('/:botId/canned', async (c) => {
    requireRole(c, 'admin');
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    const form = CannedFormSchema.safeParse(await c.req.parseBody());
    if (!form.success) return flash(c, `/console/bots/${bot.id}`, { kind: 'error', text: 'A canned response needs a title and a text.' });
    await upsertCannedResponse(db, { botId: bot.id, ...form.data });
    return flash(c, `/console/bots/${bot.id}`, { kind: 'notice', text: `Saved “${form.data.title}”.` });
  });

  app.post('/:botId/canned/:id/delete', async (c) => {
    requireRole(c, 'admin');
    const bot = await requireBotInConsole(c, c.req.param('botId'));
    if (z.uuid().safeParse(c.req.param('id')).success) await deleteCannedResponse(db, { botId: bot.id, id: c.req.param('id') });
    return flash(c, `/console/bots/${bot.id}`, { kind: 'notice', text: 'Deleted.' });
  });

  return app;
}
