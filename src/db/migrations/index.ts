import type { Migration } from 'kysely';
import * as initial from './2026-11-28T0000-initial';
import * as botChannels from './2026-11-28T0100-bot-channels';
import * as handoffTimeout from './2026-11-28T0200-handoff-timeout';
import * as botDeletion from './2026-11-28T0300-bot-deletion';
import * as apiKeysAndAuditLog from './2026-11-28T0400-api-keys-and-audit-log';
import * as analytics from './2026-11-28T0500-analytics';
import * as webhookNotifications from './2026-11-28T0600-webhook-notifications';
import * as handoffPattern from './2026-11-28T0700-handoff-pattern';
import * as analyticsCoveringIndexes from './2026-11-28T0800-analytics-covering-indexes';
import * as replyWait from './2026-11-29T0900-reply-wait';
import * as replyDrafts from './2026-12-03T1000-reply-drafts';
import * as moderationFlags from './2026-12-03T1100-moderation-flags';
import * as memory from './2026-12-03T1200-memory';
import * as understanding from './2026-12-03T1300-understanding';
import * as modelUsage from './2026-12-03T1400-model-usage';
import * as tools from './2026-12-03T1500-tools';
import * as media from './2026-12-04T0100-media';
import * as whatsappTemplates from './2026-12-04T0105-whatsapp-templates';
import * as outboundAttachments from './2026-12-04T0110-outbound-attachments';
import * as messageChanges from './2026-12-04T0120-message-changes';
import * as choices from './2026-12-04T0130-choices';
import * as rateLimits from './2026-12-04T0200-rate-limits';
import * as keyScopes from './2026-12-04T0210-key-scopes';
import * as consoleSessions from './2026-12-04T0220-console-sessions';
import * as operatorConsole from './2026-12-04T0300-console';
import * as analyticsSeries from './2026-12-04T0301-analytics-series';
import * as personNames from './2026-12-04T0400-person-names';

/**
 * Every migration, by name. Names sort in the order they run. A static list, rather than kysely's
 * FileMigrationProvider, because that provider loads files with `import()`, which neither Jest's
 * CommonJS sandbox nor a bundled build can do. Each file is frozen once released.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28T0000-initial': initial,
  '2026-11-28T0100-bot-channels': botChannels,
  '2026-11-28T0200-handoff-timeout': handoffTimeout,
  '2026-11-28T0300-bot-deletion': botDeletion,
  '2026-11-28T0400-api-keys-and-audit-log': apiKeysAndAuditLog,
  '2026-11-28T0500-analytics': analytics,
  '2026-11-28T0600-webhook-notifications': webhookNotifications,
  '2026-11-28T0700-handoff-pattern': handoffPattern,
  '2026-11-28T0800-analytics-covering-indexes': analyticsCoveringIndexes,
  '2026-11-29T0900-reply-wait': replyWait,
  '2026-12-03T1000-reply-drafts': replyDrafts,
  '2026-12-03T1100-moderation-flags': moderationFlags,
  '2026-12-03T1200-memory': memory,
  '2026-12-03T1300-understanding': understanding,
  '2026-12-03T1400-model-usage': modelUsage,
  '2026-12-03T1500-tools': tools,
  '2026-12-04T0100-media': media,
  '2026-12-04T0105-whatsapp-templates': whatsappTemplates,
  '2026-12-04T0110-outbound-attachments': outboundAttachments,
  '2026-12-04T0120-message-changes': messageChanges,
  '2026-12-04T0130-choices': choices,
  '2026-12-04T0200-rate-limits': rateLimits,
  '2026-12-04T0210-key-scopes': keyScopes,
  '2026-12-04T0220-console-sessions': consoleSessions,
  '2026-12-04T0300-console': operatorConsole,
  '2026-12-04T0301-analytics-series': analyticsSeries,
  '2026-12-04T0400-person-names': personNames,
};
