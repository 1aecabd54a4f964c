/**
 * The floor's activities: one for each activity of a conversation turn, with nothing inside, so
 * the floor workflow measures only what Temporal and the SDK cost. `sendReply` tells the benchmark
 * (the worker's parent, over IPC) that the turn got as far as a real reply would be sent.
 */
export function createFloorActivities() {
  const noop = async (): Promise<void> => undefined;
  return {
    openConversation: noop,
    loadBotSettings: noop,
    persistInbound: noop,
    moderate: noop,
    generateReply: noop,
    async sendReply(tokens: string[]): Promise<void> {
      process.send?.({ type: 'reply', tokens, at: Date.now() });
    },
    persistOutbound: noop,
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
