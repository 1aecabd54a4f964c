import type { PlatformAdapter } from './platform-adapter';

/**
 * The API channel's caller collects the reply: in the response of `?wait=true`, or later from
 * `GET /v1/conversations/:id/messages`. Nothing goes out over the network.
 */
export function createApiChannelAdapter(): PlatformAdapter {
  return {
    platform: 'api',
    async send() {
      return { platformMessageIds: [] };
    },
  };
}
