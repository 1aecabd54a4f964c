import OpenAI, { APIError, toFile } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';
import { TEAM_MESSAGE_PREFIX } from '../conversations/history-entry';
import type { GeneratedReply, GeneratedSummary, GeneratedUnderstanding, ModelClient, ModerationVerdict, ReplyRequest, TranscriptionRequest } from './model-client';
import { type ToolCall, toolResultContent } from '../tools/tool-definition';
import { SUMMARY_INSTRUCTIONS, type SummaryRequest, summaryMaterial } from './summary-prompt';
import {
  intentCatalogue,
  toUnderstanding,
  UNDERSTANDING_FORMAT_NAME,
  UNDERSTANDING_INSTRUCTIONS,
  type UnderstandingRequest,
  understandingSchema,
} from './understanding-prompt';

export interface OpenAIModelClientOptions {
  apiKey: string;
  /** Any OpenAI-compatible server. Default: OpenAI's. */
  baseUrl?: string;
  moderationModel: string;
  /** Per-request timeout. Default 45 s, under the activity's start-to-close timeout. */
  timeoutMs?: number;
}

/** Statuses after which the same request cannot succeed; retrying would only waste quota. */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 422]);

export function createOpenAIModelClient(options: OpenAIModelClientOptions): ModelClient {
  // Temporal owns retries: the SDK must not retry behind its back.
  const openai = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 45_000,
  });

  return {
    description: `OpenAI-compatible model at ${options.baseUrl ?? 'https://api.openai.com/v1'}`,
    seesImages: true,

    async transcribe(request: TranscriptionRequest) {
      const file = await toFile(request.audio, request.fileName, { type: request.mimeType });
      const transcription = await callModel(() => openai.audio.transcriptions.create({ file, model: request.model }));
      return { text: transcription.text.trim(), model: request.model };
    },

    async summarise(request: SummaryRequest): Promise<GeneratedSummary> {
      const completion = await callModel(() =>
        openai.chat.completions.create({
          model: request.model,
          messages: [
            { role: 'system', content: SUMMARY_INSTRUCTIONS },
            { role: 'user', content: summaryMaterial(request) },
          ],
          max_completion_tokens: request.maxTokens,
        }),
      );
      const text = completion.choices[0]?.message?.content?.trim();
      if (!text) throw new Error('The model returned no summary; retrying');
      const usage = completion.usage;
      return { text, tokens: usage ? { prompt: usage.prompt_tokens, completion: usage.completion_tokens } : null };
    },

    async generateReply(request: ReplyRequest, onDelta?: (delta: string) => void): Promise<GeneratedReply> {
      const tools = request.tools ?? [];
      const params = {
        model: request.model,
        messages: toChatMessages(request),
        ...(request.temperature === null ? {} : { temperature: request.temperature }),
        ...(request.maxReplyTokens === null ? {} : { max_completion_tokens: request.maxReplyTokens }),
        ...(tools.length === 0
          ? {}
          : { tools: tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } })) }),
      };
      const written = onDelta
        ? await callModel(() => streamCompletion(openai, params, onDelta))
        : await callModel(async () => completionOf(await openai.chat.completions.create(params)));
      const text = written.text.trim();
      if (!text && written.toolCalls.length === 0) throw new Error('The model returned no text; retrying');
      return {
        text,
        model: written.model,
        tokens: written.tokens,
        offline: false,
        ...(written.toolCalls.length > 0 ? { toolCalls: written.toolCalls } : {}),
      };
    },

    async understand(request: UnderstandingRequest): Promise<GeneratedUnderstanding> {
      const schema = understandingSchema(request.intents.map((intent) => intent.name));
      const completion = await callModel(() =>
        openai.chat.completions.parse({
          model: request.model,
          messages: [
            { role: 'system', content: `${UNDERSTANDING_INSTRUCTIONS}\n\n${intentCatalogue(request.intents)}` },
            { role: 'user', content: request.text },
          ],
          response_format: responseFormatOf(schema),
          temperature: 0,
        }),
      );
      const parsed = completion.choices[0]?.message?.parsed;
      if (!parsed) throw new Error('The model returned no classification; retrying');
      const usage = completion.usage;
      return {
        understanding: toUnderstanding(parsed),
        model: completion.model,
        tokens: usage ? { prompt: usage.prompt_tokens, completion: usage.completion_tokens } : null,
      };
    },

    async moderate(text: string): Promise<ModerationVerdict> {
      const result = await callModel(() => openai.moderations.create({ model: options.moderationModel, input: text }));
      const verdict = result.results[0];
      const categories = verdict
        ? Object.entries(verdict.categories)
            .filter(([, hit]) => hit)
            .map(([category]) => category)
        : [];
      return { flagged: verdict?.flagged ?? false, categories, provider: 'openai' };
    },
  };
}

function toChatMessages(request: ReplyRequest): OpenAI.Chat.ChatCompletionMessageParam[] {
  const system = request.summary
    ? `${request.systemPrompt}\n\nSummary of the conversation so far:\n${request.summary}`
    : request.systemPrompt;
  return [
    { role: 'system', content: system },
    ...request.history.map((entry) =>
      entry.role === 'team'
        ? { role: 'assistant' as const, content: `${TEAM_MESSAGE_PREFIX} ${entry.text}` }
        : { role: entry.role, content: entry.text },
    ),
    { role: 'user', content: userContent(request) },
    ...(request.toolRounds ?? []).flatMap((round): OpenAI.Chat.ChatCompletionMessageParam[] => [
      {
        role: 'assistant',
        content: null,
        tool_calls: round.calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })),
      },
      ...round.results.map((result) => ({ role: 'tool' as const, tool_call_id: result.callId, content: toolResultContent(result) })),
    ]),
  ];
}

/** The person's message: its text, with its images as data URLs when there are any. */
function userContent(request: ReplyRequest): OpenAI.Chat.ChatCompletionUserMessageParam['content'] {
  const images = request.images ?? [];
  if (images.length === 0) return request.userText;
  return [
    ...(request.userText ? [{ type: 'text' as const, text: request.userText }] : []),
    ...images.map((image) => ({ type: 'image_url' as const, image_url: { url: `data:${image.mimeType};base64,${image.data.toString('base64')}` } })),
  ];
}

/** The structured-output format of a schema, built once per schema (converting zod to JSON Schema is not free). */
const buildResponseFormat = (schema: ReturnType<typeof understandingSchema>) => zodResponseFormat(schema, UNDERSTANDING_FORMAT_NAME);
const responseFormats = new WeakMap<object, ReturnType<typeof buildResponseFormat>>();
function responseFormatOf(schema: ReturnType<typeof understandingSchema>) {
  let format = responseFormats.get(schema);
  if (!format) {
    format = buildResponseFormat(schema);
    responseFormats.set(schema, format);
  }
  return format;
}

/** What one chat completion wrote, streamed or not. */
interface Written {
  text: string;
  model: string;
  tokens: { prompt: number; completion: number } | null;
  toolCalls: ToolCall[];
}

function completionOf(completion: OpenAI.Chat.ChatCompletion): Written {
  const message = completion.choices[0]?.message;
  return {
    text: message?.content ?? '',
    model: completion.model,
    tokens: completion.usage ? { prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens } : null,
    toolCalls: (message?.tool_calls ?? []).flatMap((call) =>
      call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
    ),
  };
}

/** A streamed completion: text passed on piece by piece, tool calls pieced together by their index, usage from the last chunk. */
async function streamCompletion(
  openai: OpenAI,
  params: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
  onDelta: (delta: string) => void,
): Promise<Written> {
  const stream = await openai.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  const written: Written = { text: '', model: params.model, tokens: null, toolCalls: [] };
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for await (const chunk of stream) {
    written.model = chunk.model || written.model;
    if (chunk.usage) written.tokens = { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens };
    const delta = chunk.choices[0]?.delta;
    if (delta?.content) {
      written.text += delta.content;
      onDelta(delta.content);
    }
    for (const call of delta?.tool_calls ?? []) {
      const piece = (calls[call.index] ??= { id: '', name: '', arguments: '' });
      if (call.id) piece.id = call.id;
      if (call.function?.name) piece.name += call.function.name;
      if (call.function?.arguments) piece.arguments += call.function.arguments;
    }
  }
  written.toolCalls = calls.filter(Boolean);
  return written;
}

/** Maps the server's answer onto what Temporal must do next: wait as told, stop, or retry. */
async function callModel<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof APIError) || error.status === undefined) throw error;
    if (error.status === 429) {
      const retryAfter = error.headers?.get('retry-after-ms') ?? undefined;
      const delay = retryAfter ? Number(retryAfter) : parseRetryAfterMs(error.headers?.get('retry-after'));
      throw rateLimitedFailure(`The model server is rate limiting: ${error.message}`, delay, 'ModelRateLimited');
    }
    if (PERMANENT_STATUSES.has(error.status)) {
      throw permanentFailure(`The model server rejected the request: ${error.message}`, 'ModelRequestRejected');
    }
    throw error;
  }
}
