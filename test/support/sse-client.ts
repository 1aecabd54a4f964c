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
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split('\n');
          const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (!data) continue;
          if (event === 'draft') connection.drafts.push({ at: Date.now(), data: JSON.parse(data) });
          else if (event === 'typing') connection.typing.push({ at: Date.now(), messagesBefore: connection.events.length, data: JSON.parse(data) });
          else if (event === 'message') connection.events.push(JSON.parse(data));
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return connection;
}
