/** A minimal server-sent events reader over fetch, for tests: collects `message`, `draft` and `typing` events as parsed JSON. */
export interface SseConnection {
  events: any[];
  /** `draft` events: a reply while the model writes it, each with when it arrived. */
  drafts: Array<{ at: number; data: any }>;
  /** `typing` events: the server saying the bot is typing, each with how many `message` events came before it. */
  typing: Array<{ at: number; messagesBefore: number; data: any }>;
  status: number;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const connection: SseConnection = { events: [], drafts: [], typing: [], status: response.status, close: () => controller.abort() };
  if (!response.ok || !response.body) return connection;
  readServerSentEvents(response.body, (event, data) => {
    if (event === 'draft') connection.drafts.push({ at: Date.now(), data: JSON.parse(data) });
    else if (event === 'typing') connection.typing.push({ at: Date.now(), messagesBefore: connection.events.length, data: JSON.parse(data) });
    else if (event === 'message') connection.events.push(JSON.parse(data));
  });
  return connection;
}

/**
 * Reads a server-sent event stream in the background, calling `onEvent` with each event's name
 * (`message` when unnamed) and data; events without data are skipped. Returns the reader, whose
 * `cancel()` ends the stream (in-process, that is what closes the server's side).
 */
export function readServerSentEvents(body: ReadableStream<any>, onEvent: (event: string, data: string) => void): ReadableStreamDefaultReader<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (data) onEvent(event, data);
        }
      }
    } catch {
      // aborted or cancelled
    }
  })();
  return reader;
}
