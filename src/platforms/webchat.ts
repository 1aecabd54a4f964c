import type { PlatformAdapter } from './platform-adapter';

/**
 * The web chat widget reads replies from the message store: storing a reply announces it on the
 * message channel, and each visitor's event stream forwards it. So sending is storing, which
 * `persistOutbound` does right after this step.
 */
export function createWebchatAdapter(): PlatformAdapter {
  return {
    platform: 'webchat',
    async send() {
      return { platformMessageIds: [] };
    },
  };
}
