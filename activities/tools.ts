import { log } from '@temporalio/activity';
import { openSecret } from '../src/crypto/secret-box';
import { findBotTool } from '../src/db/queries/bot-tools';
import { callToolEndpoint } from '../src/tools/call-tool-endpoint';
import { checkToolArguments } from '../src/tools/tool-arguments';
import type { ToolCall, ToolResult } from '../src/tools/tool-definition';
import type { RequestTrace } from '../src/conversations/request-trace';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

/** A tool call that may succeed if tried again: Temporal retries the activity, and nothing else of the turn. */
class ToolCallFailed extends Error {
  override name = 'ToolCallFailed';
}

/** One call of a bot's tool, as its own activity: the workflow runs one per call the model asked for. */
export function createToolActivities({ db, encryptionKey }: Pick<ActivityDeps, 'db' | 'encryptionKey'>) {
  return {
    /**
     * Calls the tool's endpoint with the model's arguments, signed with the tool's secret. What the
     * model should read (an answer, a refusal, arguments that do not fit) is returned; a failure
     * worth retrying (a timeout, a 5xx, a 429) is thrown, for Temporal's retries.
     */
    async callTool(args: { botId: string; conversationId: string; call: ToolCall } & RequestTrace): Promise<ToolResult> {
      const { call } = args;
      const answer = (content: string): ToolResult => ({ callId: call.id, name: call.name, ok: true, content });
      const refuse = (error: string): ToolResult => ({ callId: call.id, name: call.name, ok: false, error });

      const tool = await findBotTool(db, { botId: args.botId, name: call.name });
      if (!tool) return refuse(`there is no tool named "${call.name}"`);
      const checked = checkToolArguments(tool.parameters, call.arguments);
      if (!checked.ok) return refuse(checked.error);

      const response = await whileHeartbeating(() =>
        callToolEndpoint({
          url: tool.url,
          secret: openSecret(encryptionKey, tool.sealed_secret),
          timeoutMs: tool.timeout_ms,
          body: { botId: args.botId, conversationId: args.conversationId, toolCallId: call.id, name: call.name, arguments: checked.value },
        }),
      );
      switch (response.kind) {
        case 'answer':
          log.info('Tool answered', { tool: call.name, chars: response.content.length });
          return answer(response.content);
        case 'refused':
          log.warn('Tool refused the call; the model reads why', { tool: call.name, error: response.error });
          return refuse(response.error);
        case 'retry':
          throw new ToolCallFailed(response.error);
      }
    },
  };
}
