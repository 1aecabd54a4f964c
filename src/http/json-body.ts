import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from './app-error';

/** Refuses bytes that are not UTF-8, rather than reading them as replacement characters. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body: 415 for another content type, 400 for broken JSON or a body the schema rejects. */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
  }
  let text: string;
  try {
    text = UTF8.decode(await c.req.arrayBuffer());
  } catch {
    throw new AppError('invalid_json', 'The body is not valid UTF-8: send JSON encoded as UTF-8.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON.');
  }
  return parseInput(schema, body, 'body');
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseInput(schema, c.req.query(), 'query');
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || where}: ${issue.message}`);
    throw new AppError('validation_failed', `Invalid ${where}: ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}
