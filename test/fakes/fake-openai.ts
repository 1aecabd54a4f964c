import { seededRandom } from '../support/seeded-random';
/**
 * A small, real local HTTP server speaking the OpenAI wire format, used by
 * tests in place of api.openai.com. Point the official `openai` SDK at it with
 * `new OpenAI({ apiKey: 'test', baseURL: fake.baseUrl, maxRetries: 0 })`.
 *
 * Endpoints:
 *   POST /v1/chat/completions  -> ChatCompletion JSON (behaviour is scriptable)
 *   POST /v1/moderations       -> ModerationCreateResponse JSON
 *   POST /v1/audio/transcriptions (multipart) -> { text }: the fake "hears" the words written in
 *                                 the uploaded file's bytes (tests serve voice notes made of text)
 *   anything else              -> 404 with an OpenAI error body
 *
 * Only Node's built-in `http` module is used.
 */
import http from 'http';
import { SUMMARY_INSTRUCTIONS } from '../../src/model/summary-prompt';
import { UNDERSTANDING_FORMAT_NAME } from '../../src/model/understanding-prompt';
import type { AddressInfo } from 'net';

export interface RecordedCall {
  /** `classify`: a chat completion asking for the turn's understanding (structured output); it has its own behaviour. */
  endpoint: 'chat' | 'classify' | 'moderation' | 'transcription';
  /** Date.now() when the request arrived. */
  at: number;
  /** Parsed JSON body (null if the body was not valid JSON). */
  body: any;
  /** HTTP status we answered; 0 while not (yet) answered, e.g. `hang` or a pending delayed reply. */
  status: number;
  /** A streamed reply (`stream: true`): when its last piece of text was written. */
  lastDeltaAt?: number;
}

export type FakeBehaviour =
  /**
   * A reply. Asked with `stream: true`, it is streamed word by word, `streamDelayMs` apart; with
   * `breakAfterWords`, the connection drops after that many words (a server that fails mid-reply).
   */
  | { kind: 'reply'; text?: string; delayMs?: number; streamDelayMs?: number; breakAfterWords?: number }
  /** The model asks for tools (`arguments` as an object, or as the raw text a model might write). */
  | { kind: 'tool-calls'; calls: Array<{ name: string; arguments: Record<string, unknown> | string }> }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error' }
  | { kind: 'bad-request' }
  | { kind: 'hang' };

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:PORT/v1 (the SDK appends /chat/completions). */
  baseUrl: string;
  /** Every chat/moderation request, in arrival order. */
  calls: RecordedCall[];
  chatCalls(): RecordedCall[];
  /** Queue behaviours for the next chat-completion calls, consumed one per call; when empty, the default applies. */
  enqueue(...behaviours: FakeBehaviour[]): void;
  /** The behaviour when the queue is empty. Default {kind:'reply'}. */
  setDefault(behaviour: FakeBehaviour): void;
  /** Classification calls (sentiment, intent, language), in arrival order. */
  classifyCalls(): RecordedCall[];
  /**
   * How classification calls are answered: by the fake's keyword rules (default), with these
   * fields forced, or with a server error. Apart from `enqueue`, so scripts of replies keep their meaning.
   */
  setClassification(behaviour: { kind: 'keywords'; force?: Record<string, unknown> } | { kind: 'server-error' }): void;
  /** Transcription calls, with the model, the file's name and its size in `body`. */
  transcriptionCalls(): RecordedCall[];
  /** How transcriptions are answered: the words in the file's bytes (default), or a server error. */
  setTranscription(behaviour: 'hear-bytes' | 'server-error'): void;
  /** Words that make the moderation endpoint flag an input (case-insensitive substring). Default ['forbidden-topic']. */
  setFlaggedWords(words: string[]): void;
  /**
   * Fraction 0..1 of chat calls that fail at random with 429 (retry-after 1) or 500.
   * Only applies to calls that are not served from the `enqueue` queue.
   */
  setFailureRate(rate: number, seed?: number): void;
  /** Clears calls, queue, default behaviour and failure rate (flagged words are kept). */
  reset(): void;
  /** Closes the server and any hanging / delayed requests. */
  close(): Promise<void>;
}

const DEFAULT_FLAGGED_WORDS = ['forbidden-topic'];
const DEFAULT_SEED = 0x5eed;

const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;

/** Text of a message `content`, which may be a string or an array of content parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as any).text === 'string' ? (part as any).text : '',
      )
      .join('');
  }
  return '';
}

function countTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

function errorBody(message: string, type: string, code: string | null): object {
  return { error: { message, type, param: null, code } };
}

export async function startFakeOpenAI(opts?: { port?: number; apiKey?: string }): Promise<FakeOpenAI> {
  const calls: RecordedCall[] = [];
  let queue: FakeBehaviour[] = [];
  /** Besides the test key, the one key the models list accepts. */
  const acceptedKey = opts?.apiKey ?? 'test-openai-key';
  let transcription: 'hear-bytes' | 'server-error' = 'hear-bytes';
  let defaultBehaviour: FakeBehaviour = { kind: 'reply' };
  let flaggedWords: string[] = [...DEFAULT_FLAGGED_WORDS];
  let classification: Parameters<FakeOpenAI['setClassification']>[0] = { kind: 'keywords' };
  let failureRate = 0;
  let random = seededRandom(DEFAULT_SEED);
  let idCounter = 0;
  let closed = false;

  /** Responses not yet answered (hang / delayed replies), ended on close(). */
  const pending = new Set<http.ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  const nextId = (prefix: string) => `${prefix}-fake-${++idCounter}`;

  function send(
    res: http.ServerResponse,
    call: RecordedCall | undefined,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    pending.delete(res);
    if (res.destroyed || res.writableEnded) return;
    if (call) call.status = status;
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload).toString(),
      'x-request-id': nextId('req'),
      ...headers,
    });
    res.end(payload);
  }

  function nextChatBehaviour(): FakeBehaviour {
    const queued = queue.shift();
    if (queued) return queued;
    if (failureRate > 0 && random() < failureRate) {
      return random() < 0.5 ? { kind: 'rate-limit', retryAfterSeconds: 1 } : { kind: 'server-error' };
    }
    return defaultBehaviour;
  }

  function toolCallsCompletion(body: any, calls: Array<{ name: string; arguments: Record<string, unknown> | string }>): object {
    const completion = chatCompletion(body, '') as any;
    completion.choices[0].message = {
      role: 'assistant',
      content: null,
      refusal: null,
      annotations: [],
      tool_calls: calls.map((call) => ({
        id: nextId('call'),
        type: 'function',
        function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
      })),
    };
    completion.choices[0].finish_reason = 'tool_calls';
    completion.usage.completion_tokens = 7 * calls.length;
    completion.usage.total_tokens = completion.usage.prompt_tokens + completion.usage.completion_tokens;
    return completion;
  }

  /** The reply as server-sent chunks, a word each, as OpenAI streams it; usage in a last chunk when asked. */
  function streamCompletion(res: http.ServerResponse, call: RecordedCall, body: any, text: string, behaviour: { streamDelayMs?: number; breakAfterWords?: number }): void {
    const words = text.split(/(?<=\s)/);
    const pieces = words.map((word) => ({ delta: { content: word } }));
    streamChunks(res, call, body, [{ delta: { role: 'assistant', content: '' } }, ...pieces], 'stop', behaviour);
  }

  function streamChunks(
    res: http.ServerResponse,
    call: RecordedCall,
    body: any,
    choices: Array<{ delta: object }>,
    finishReason: string,
    options: { streamDelayMs?: number; breakAfterWords?: number } = {},
  ): void {
    const id = nextId('chatcmpl');
    const model = typeof body?.model === 'string' ? body.model : 'gpt-fake';
    const chunk = (choice: object[], extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: choice, ...extra })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    call.status = 200;
    pending.add(res);
    let index = 0;
    const next = () => {
      if (res.destroyed) return;
      if (options.breakAfterWords !== undefined && index > options.breakAfterWords) {
        pending.delete(res);
        res.destroy();
        return;
      }
      if (index < choices.length) {
        res.write(chunk([{ index: 0, ...choices[index], logprobs: null, finish_reason: null }]));
        index++;
        if (index === choices.length) call.lastDeltaAt = Date.now();
        const timer = setTimeout(() => {
          timers.delete(timer);
          next();
        }, options.streamDelayMs ?? 0);
        timers.add(timer);
        return;
      }
      res.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
      if (body.stream_options?.include_usage) {
        const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
        const prompt = messages.reduce((n, m) => n + countTokens(contentText(m?.content)), 0);
        const completion = Math.max(1, choices.length - 1);
        res.write(chunk([], { usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }));
      }
      res.end('data: [DONE]\n\n');
      pending.delete(res);
    };
    next();
  }

  function chatCompletion(body: any, text: string): object {
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
    const promptTokens = messages.reduce((n, m) => n + countTokens(contentText(m?.content)), 0);
    const completionTokens = countTokens(text);
    return {
      id: nextId('chatcmpl'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: typeof body?.model === 'string' ? body.model : 'gpt-fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null, annotations: [] },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
  }

  function handleClassify(res: http.ServerResponse, call: RecordedCall, body: any): void {
    if (classification.kind === 'server-error') {
      send(res, call, 500, errorBody('The server had an error while processing your request (fake).', 'server_error', null));
      return;
    }
    const lastUser = [...body.messages].reverse().find((m: any) => m?.role === 'user');
    const intents: string[] = body.response_format?.json_schema?.schema?.properties?.intent?.enum ?? ['other'];
    const answer = { ...classifyByKeywords(contentText(lastUser?.content), intents), ...classification.force };
    send(res, call, 200, chatCompletion(body, JSON.stringify(answer)));
  }

  function handleChat(res: http.ServerResponse, call: RecordedCall, body: any): void {
    if (body === null || typeof body !== 'object' || !Array.isArray(body.messages)) {
      send(res, call, 400, errorBody("Missing required parameter: 'messages'.", 'invalid_request_error', null));
      return;
    }
    if (body.response_format?.json_schema?.name === UNDERSTANDING_FORMAT_NAME) {
      call.endpoint = 'classify';
      handleClassify(res, call, body);
      return;
    }
    const behaviour = nextChatBehaviour();
    switch (behaviour.kind) {
      case 'reply': {
        const lastUser = [...body.messages].reverse().find((m: any) => m?.role === 'user');
        const summarising = contentText(body.messages[0]?.content) === SUMMARY_INSTRUCTIONS;
        const text = behaviour.text ?? (summarising ? fakeSummary(contentText(lastUser?.content)) : `echo: ${contentText(lastUser?.content)}`);
        const answer = () =>
          body.stream === true ? streamCompletion(res, call, body, text, behaviour) : send(res, call, 200, chatCompletion(body, text));
        if (behaviour.delayMs && behaviour.delayMs > 0) {
          pending.add(res);
          const timer = setTimeout(() => {
            timers.delete(timer);
            answer();
          }, behaviour.delayMs);
          timers.add(timer);
        } else {
          answer();
        }
        return;
      }
      case 'tool-calls':
        if (body.stream === true) {
          streamChunks(res, call, body, [{ delta: { role: 'assistant', tool_calls: (toolCallsCompletion(body, behaviour.calls) as any).choices[0].message.tool_calls.map((c: any, index: number) => ({ index, ...c })) } }], 'tool_calls');
          return;
        }
        send(res, call, 200, toolCallsCompletion(body, behaviour.calls));
        return;
      case 'rate-limit':
        send(
          res,
          call,
          429,
          errorBody(
            'Rate limit reached for requests (fake). Please try again later.',
            'rate_limit_exceeded',
            'rate_limit_exceeded',
          ),
          { 'retry-after': String(behaviour.retryAfterSeconds) },
        );
        return;
      case 'server-error':
        send(
          res,
          call,
          500,
          errorBody('The server had an error while processing your request (fake).', 'server_error', null),
        );
        return;
      case 'bad-request':
        send(res, call, 400, errorBody('Invalid request (fake).', 'invalid_request_error', 'invalid_value'));
        return;
      case 'hang':
        pending.add(res);
        return;
    }
  }

  function moderationResult(text: string | null): object {
    const lower = text?.toLowerCase() ?? '';
    const flagged = text !== null && flaggedWords.some((w) => w !== '' && lower.includes(w.toLowerCase()));
    const categories: Record<string, boolean> = {};
    const scores: Record<string, number> = {};
    const applied: Record<string, string[]> = {};
    for (const c of MODERATION_CATEGORIES) {
      const hit = flagged && c === 'violence';
      categories[c] = hit;
      scores[c] = hit ? 0.98 : 0.0001;
      applied[c] = hit ? ['text'] : [];
    }
    return { flagged, categories, category_scores: scores, category_applied_input_types: applied };
  }

  function handleModeration(res: http.ServerResponse, call: RecordedCall, body: any): void {
    const input = body?.input;
    let items: (string | null)[];
    if (typeof input === 'string') {
      items = [input];
    } else if (Array.isArray(input) && input.length > 0) {
      // string[] or multimodal [{type:'text', text}, {type:'image_url', ...}]
      items = input.map((x: any) =>
        typeof x === 'string' ? x : x?.type === 'text' && typeof x.text === 'string' ? x.text : null,
      );
    } else {
      send(res, call, 400, errorBody("Missing required parameter: 'input'.", 'invalid_request_error', null));
      return;
    }
    send(res, call, 200, {
      id: nextId('modr'),
      model: typeof body?.model === 'string' ? body.model : 'omni-moderation-latest',
      results: items.map(moderationResult),
    });
  }

  /** Reads the multipart upload as the real endpoint does: a `file` and a `model`. */
  async function handleTranscription(res: http.ServerResponse, call: RecordedCall, raw: Buffer, contentType: string): Promise<void> {
    let form: FormData;
    try {
      form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
    } catch {
      send(res, call, 400, errorBody('Could not parse multipart form', 'invalid_request_error', null));
      return;
    }
    const file = form.get('file');
    const model = form.get('model');
    if (!(file instanceof Blob) || typeof model !== 'string') {
      send(res, call, 400, errorBody("Missing required parameters: 'file' and 'model'.", 'invalid_request_error', null));
      return;
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    call.body = { model, fileName: (file as File).name, size: bytes.length, type: file.type };
    if (transcription === 'server-error') {
      send(res, call, 500, errorBody('The server had an error while processing your request.', 'server_error', null));
      return;
    }
    send(res, call, 200, { text: bytes.toString('utf8').replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, '').trim() });
  }

  const server = http.createServer((req, res) => {
    const at = Date.now();
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    // The models list, as validate-config asks for it with the key.
    if (req.method === 'GET' && path === '/v1/models') {
      const authorized = req.headers.authorization === 'Bearer test-openai-key' || req.headers.authorization === `Bearer ${acceptedKey}`;
      res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(authorized ? { object: 'list', data: ['gpt-4o-mini', 'whisper-1', 'omni-moderation-latest'].map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })) } : errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')));
      return;
    }
    const endpoint: RecordedCall['endpoint'] | undefined =
      req.method !== 'POST'
        ? undefined
        : path === '/v1/chat/completions'
          ? 'chat'
          : path === '/v1/moderations'
            ? 'moderation'
            : path === '/v1/audio/transcriptions'
              ? 'transcription'
              : undefined;

    // Record at arrival so `calls` reflects arrival order even for concurrent requests.
    const call: RecordedCall | undefined = endpoint ? { endpoint, at, body: undefined, status: 0 } : undefined;
    if (call) calls.push(call);

    res.on('close', () => pending.delete(res));

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => pending.delete(res));
    req.on('end', () => {
      if (!endpoint || !call) {
        send(
          res,
          undefined,
          404,
          errorBody(`Unknown request URL: ${req.method} ${req.url}.`, 'invalid_request_error', 'unknown_url'),
        );
        return;
      }
      if (endpoint === 'transcription') {
        void handleTranscription(res, call, Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
        return;
      }
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        call.body = null;
        send(res, call, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null));
        return;
      }
      call.body = body;
      if (endpoint === 'chat') handleChat(res, call, body);
      else handleModeration(res, call, body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts?.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    // A call counts once its body is read: until then a classification call looks like any chat call.
    chatCalls: () => calls.filter((c) => c.endpoint === 'chat' && c.body !== undefined),
    classifyCalls: () => calls.filter((c) => c.endpoint === 'classify'),
    transcriptionCalls: () => calls.filter((c) => c.endpoint === 'transcription'),
    setTranscription: (behaviour) => {
      transcription = behaviour;
    },
    setClassification: (behaviour) => {
      classification = behaviour;
    },
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    setFlaggedWords: (words) => {
      flaggedWords = [...words];
    },
    setFailureRate: (rate, seed) => {
      failureRate = Math.min(1, Math.max(0, rate));
      random = seededRandom(seed ?? DEFAULT_SEED);
    },
    reset: () => {
      calls.length = 0; // keep the same array so held references stay live
      queue = [];
      defaultBehaviour = { kind: 'reply' };
      classification = { kind: 'keywords' };
      transcription = 'hear-bytes';
      failureRate = 0;
      random = seededRandom(DEFAULT_SEED);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of pending) res.destroy();
      pending.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * What the fake "model" writes when asked to summarise: the summary so far, then what the person
 * said in the folded turns, a line each. A real model compresses better; this one keeps the facts.
 */
function fakeSummary(material: string): string {
  const [previous = '', turns = ''] = material.replace(/^Summary so far:\n/, '').split('\n\nTurns to fold in:\n');
  const earlier = previous === '(none)' ? [] : previous.split('\n');
  const said = turns.split('\n').filter((line) => line.startsWith('Person: ')).map((line) => line.slice('Person: '.length));
  return [...earlier, ...said].join('\n');
}

/**
 * The fake's stand-in for a model's classification: a few keywords per language, enough for tests
 * to tell the model's answer from the local packages' (it always names itself with a score of ±0.8).
 */
function classifyByKeywords(text: string, intents: string[]): Record<string, unknown> {
  const lower = text.toLowerCase();
  const language = /\b(quiero|hablar|hola|gracias)\b|[¿¡ñ]/.test(lower)
    ? 'es'
    : /\b(ich|möchte|mit|einem|bitte|danke)\b/.test(lower)
      ? 'de'
      : 'en';
  const wantsHuman = /\b(human|humano|menschen|person|persona|agent)\b/.test(lower) && intents.includes('human');
  const sentiment = /\b(hate|terrible|awful|angry|useless)\b/.test(lower) ? 'negative' : /\b(thanks|great|love|gracias|danke)\b/.test(lower) ? 'positive' : 'neutral';
  return {
    sentiment,
    sentimentScore: sentiment === 'negative' ? -0.8 : sentiment === 'positive' ? 0.8 : 0,
    intent: wantsHuman ? 'human' : 'other',
    intentConfidence: wantsHuman ? 0.95 : 0.5,
    language,
  };
}
