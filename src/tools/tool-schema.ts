/**
 * What an admin may define as a tool (`POST /v1/bots/:botId/tools`), checked before anything is
 * stored: a name the model APIs accept, parameters that are a valid JSON Schema object, an HTTPS
 * URL (plain HTTP only where `TOOLS_ALLOW_HTTP` permits it, for development), a bounded timeout.
 */
import Ajv from 'ajv';
import { z } from 'zod';

/** A bot has at most this many tools: every one lengthens the prompt of every turn. */
export const MAX_TOOLS_PER_BOT = 20;

const ajv = new Ajv({ strict: false });

/** Why `schema` is not a JSON Schema for arguments; undefined when it is one. */
export function parametersProblem(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'must be a JSON Schema object';
  if (!ajv.validateSchema(schema)) return `is not a valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: 'parameters' })}`;
  if ((schema as { type?: unknown }).type !== 'object') return 'must describe an object (`"type": "object"`): the model passes named arguments';
  try {
    ajv.compile(schema);
  } catch (error) {
    return `cannot be compiled: ${(error as Error).message}`;
  }
  return undefined;
}

export function toolDefinitionSchema(options: { allowHttp: boolean }) {
  return z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or hyphens'),
    description: z.string().trim().min(1).max(1000),
    parameters: z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
      const problem = parametersProblem(schema);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    url: z
      .url({ protocol: options.allowHttp ? /^https?$/ : /^https$/ })
      .max(2000)
      .describe(options.allowHttp ? 'HTTPS (HTTP is allowed by TOOLS_ALLOW_HTTP)' : 'HTTPS'),
    timeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
  });
}

export type ToolDefinition = z.infer<ReturnType<typeof toolDefinitionSchema>>;
