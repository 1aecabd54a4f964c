import { botInScope } from '../bot-scope';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { readMediaFile } from '../../db/queries/media';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { errorResponses } from '../openapi/error-responses';
import { UuidParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

/** Types a browser may show in place; anything else (a document, a text file) is only downloaded. */
const SHOWN_INLINE = /^(image\/(jpeg|png|webp|gif)|audio\/|video\/)/;

const mediaRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['conversations'],
  summary: 'Download a file a person sent',
  description:
    "The bytes of an attachment the bot downloaded (a photo, a voice message, a document), as the platform served them. Its URL is in the message's `attachments[].url`; it takes the same API key as the conversation's messages.",
  request: { params: UuidParamsSchema },
  responses: {
    200: {
      description: "The file, with its own type in `Content-Type` (`audio/ogg` for a voice message, say). Only plain media is served `inline`; anything else is an `attachment`.",
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }), example: 'OggS… (the bytes as the platform served them)' } },
    },
    ...errorResponses({ 404: 'No file with this id.' }),
  },
});

export function createMediaRoutes({ db }: { db: Kysely<Database> }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, mediaRoute, async (c) => {
    const id = c.req.param('id');
    const file = z.uuid().safeParse(id).success ? await readMediaFile(db, id) : undefined;
    if (!file || !botInScope(c, file.bot_id)) throw new AppError('not_found', `No file with id "${id}".`);
    const inline = SHOWN_INLINE.test(file.mime_type);
    const name = (file.name ?? `${file.kind}-${file.id}`).replace(/["\\\r\n]/g, '_');
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.mime_type,
      'content-length': String(file.bytes.length),
      // People's files are never run as a page of ours: downloaded unless plainly media, never sniffed, sandboxed.
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'cache-control': 'private, max-age=3600',
    });
  });
  return app;
}
