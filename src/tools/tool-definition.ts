/**
 * A tool a bot's model may call: an HTTPS endpoint of the bot's team, described to the model by a
 * name, a description and JSON-schema parameters. Each call is its own activity (`callTool`), so
 * Temporal's retries and timeouts apply to it alone. Pure types.
 */

/** What the model and the turn know of a tool; its URL and secret stay in Postgres, read by the call. */
export interface ToolSpec {
  name: string;
  description: string;
  /** A JSON Schema object for the arguments. */
  parameters: Record<string, unknown>;
  timeoutMs: number;
}

/** A call the model asked for: `arguments` is the JSON text the model wrote. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What goes back to the model: the tool's answer, or an error it can read and work around. */
export type ToolResult = { callId: string; name: string; ok: true; content: string } | { callId: string; name: string; ok: false; error: string };

/** One round of tool use: the calls the model asked for, and their results, in order. */
export interface ToolRound {
  calls: ToolCall[];
  results: ToolResult[];
}

/** The text the model reads for a result. */
export function toolResultContent(result: ToolResult): string {
  return result.ok ? result.content : JSON.stringify({ error: result.error });
}
