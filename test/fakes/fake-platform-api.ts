import { seededRandom } from '../support/seeded-random';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** One request a fake platform API received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  /** The JSON body, or undefined when it was not JSON. */
  body: any;
  /** Date.now() on arrival. */
  at: number;
  /** The status the fake answered. */
  status?: number;
}

export interface ScriptedAnswer {
  status: number;
  json?: unknown;
  /** A file's bytes, answered as they are (the `content-type` header says what they are). */
  bytes?: Buffer;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A small real HTTP server that stands in for a platform's API: it records every request and
 * answers from a script (for 429s, 5xx and permanent errors) or, by default, from `handler`.
 * Each platform's fake builds its wire format on top.
 */
export interface FakePlatformApi {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, one each, before the default handler. */
  enqueue(...answers: ScriptedAnswer[]): void;
  /** Replaces the default handler. */
  setHandler(handler: (request: RecordedRequest) => ScriptedAnswer): void;
  /**
   * Answers a fraction 0..1 of the requests the default handler would take with `answer` instead,
   * at random but repeatably (seeded). Scripted answers are never replaced. 0 turns it off.
   */
  setFailureRate(rate: number, answer: (request: RecordedRequest) => ScriptedAnswer, seed?: number): void;
  /**
   * Serves a file at `path` (GET), as a platform's file server does; `requiredHeaders` must match
   * (an authorization header, say) or the answer is 401. Returns the file's absolute URL.
   */
  serveFile(path: string, file: { bytes: Buffer; contentType: string; requiredHeaders?: Record<string, string> }): string;
  reset(): void;
  close(): Promise<void>;
}

export interface FakePlatformApiOptions {
  /**
   * Answers the requests that are not sends (typing indicators) ahead of the script and the failure
   * rate, which are meant for sends; undefined for the rest. They are still recorded.
   */
  aside?: (request: RecordedRequest) => ScriptedAnswer | undefined;
}

export async function startFakePlatformApi(
  defaultHandler: (request: RecordedRequest) => ScriptedAnswer,
  options: FakePlatformApiOptions = {},
): Promise<FakePlatformApi> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedAnswer[] = [];
  let handler = defaultHandler;
  let failure: { rate: number; answer: (request: RecordedRequest) => ScriptedAnswer; random: () => number } | undefined;
  const files = new Map<string, { bytes: Buffer; contentType: string; requiredHeaders?: Record<string, string> }>();

  /** A served file, or undefined for every other request. */
  function fileAnswer(request: RecordedRequest): ScriptedAnswer | undefined {
    const file = request.method === 'GET' ? files.get(request.path) : undefined;
    if (!file) return undefined;
    const allowed = Object.entries(file.requiredHeaders ?? {}).every(([name, value]) => request.headers[name.toLowerCase()] === value);
    if (!allowed) return { status: 401, json: { error: 'not authorized to read this file' } };
    return { status: 200, bytes: file.bytes, headers: { 'content-type': file.contentType, 'content-length': String(file.bytes.length) } };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        rawBody,
        body,
        at: Date.now(),
      };
      requests.push(recorded);
      const answer =
        options.aside?.(recorded) ??
        script.shift() ??
        (failure && failure.random() < failure.rate ? failure.answer(recorded) : (fileAnswer(recorded) ?? handler(recorded)));
      recorded.status = answer.status;
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.bytes ?? (answer.json === undefined ? '' : JSON.stringify(answer.json)));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('fake platform API did not bind');

  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    requests,
    enqueue: (...answers) => void script.push(...answers),
    setHandler: (next) => {
      handler = next;
    },
    setFailureRate: (rate, answer, seed = DEFAULT_SEED) => {
      failure = rate > 0 ? { rate: Math.min(1, rate), answer, random: seededRandom(seed) } : undefined;
    },
    serveFile: (path, file) => {
      files.set(path, file);
      return `http://127.0.0.1:${address.port}${path}`;
    },
    reset: () => {
      requests.splice(0);
      script.splice(0);
      files.clear();
      handler = defaultHandler;
      failure = undefined;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const DEFAULT_SEED = 0x5eed;

