/**
 * Pointing a platform at a bot's webhook. Where the platform's API allows it (Telegram), the
 * product registers the webhook itself and reports what the platform says; where a console is
 * the only way (Slack, Meta, Discord), it answers the exact settings to paste there.
 */
export type WebhookSetup =
  | {
      kind: 'registered';
      /** What the platform reports after registering, read back from it. */
      report: {
        url: string;
        /** Updates waiting for delivery. */
        pendingUpdateCount: number;
        /** The kinds of update the platform will deliver. */
        allowedUpdates: string[];
        /** Why the last delivery failed, and when (ISO), if one has. */
        lastErrorMessage?: string;
        lastErrorAt?: string;
      };
    }
  | {
      kind: 'console';
      /** Where in the platform's console the settings go. */
      where: string;
      /** Each field to fill in, in the order the console shows them. */
      settings: Array<{ name: string; value: string }>;
      /** What to do after pasting them. */
      then: string;
    };

/** The platform refused to register the webhook, or could not be reached; nothing was changed. */
export class WebhookRegistrationFailed extends Error {
  constructor(
    message: string,
    /** The platform's own words, when it answered. */
    readonly platformDescription?: string,
  ) {
    super(message);
    this.name = 'WebhookRegistrationFailed';
  }
}

/** The settings to paste, for a platform that registers webhooks only in its console. */
export function consoleSetup(where: string, settings: Record<string, string>, then: string): Promise<WebhookSetup> {
  return Promise.resolve({ kind: 'console', where, settings: Object.entries(settings).map(([name, value]) => ({ name, value })), then });
}

/**
 * The public webhook URL of one bot on one platform, from the server's public base URL, or why
 * there is none. Every platform delivers to HTTPS only, so a plain-HTTP base is refused up front
 * rather than pasted into a console that rejects it.
 */
export function webhookUrlFor(args: { publicUrl: string | undefined; platform: string; botId: string }):
  | { ok: true; url: string }
  | { ok: false; problem: string } {
  const { publicUrl, platform, botId } = args;
  const example = 'for example PUBLIC_URL=https://bots.example.com';
  if (!publicUrl) {
    return { ok: false, problem: `The server does not know its public address. Set PUBLIC_URL to the HTTPS address ${platform} reaches this server at (${example}), restart, and call again.` };
  }
  let base: URL;
  try {
    base = new URL(publicUrl);
  } catch {
    return { ok: false, problem: `PUBLIC_URL "${publicUrl}" is not a URL; set it to the HTTPS address of this server (${example}).` };
  }
  if (base.protocol !== 'https:') {
    return { ok: false, problem: `${platform} delivers webhooks over HTTPS only, and PUBLIC_URL is "${publicUrl}". Put the server behind HTTPS (a reverse proxy or a tunnel such as ngrok), set PUBLIC_URL to that https:// address, restart, and call again.` };
  }
  const path = `${base.pathname.replace(/\/+$/, '')}/webhooks/${platform}/${encodeURIComponent(botId)}`;
  return { ok: true, url: `${base.origin}${path}` };
}
