import { z } from '@hono/zod-openapi';

/** `{botId}` in a path. Documentation only: each handler answers 404 for a bot it cannot find. */
export const BotIdParamsSchema = z.object({
  botId: z.string().openapi({ description: 'The bot\'s id.', example: 'support' }),
});

/** `{id}` in a path: a uuid; anything else is a 404 like an unknown id. */
export const UuidParamsSchema = z.object({
  id: z.string().openapi({ format: 'uuid', example: '5b0c2a52-8f1e-4d6b-9a3c-2f1e0d9c8b7a' }),
});
