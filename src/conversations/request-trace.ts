/**
 * The HTTP request ids behind a turn. The workflow passes them to the turn's activities, and the
 * worker adds them to every activity log line (`src/temporal/request-trace-interceptor.ts`), so one
 * grep for a request id follows a message from its webhook to its reply.
 */
export interface RequestTrace {
  requestIds?: string[];
}

export function requestIdsOf(messages: ReadonlyArray<{ requestId?: string }>): string[] {
  return messages.flatMap((m) => (m.requestId ? [m.requestId] : []));
}
