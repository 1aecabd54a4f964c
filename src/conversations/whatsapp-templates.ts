/**
 * WhatsApp's 24-hour customer-service window, and the approved templates that may be sent outside
 * it. Pure: the workflow picks the template a message would need, and the turn's delivery decides
 * from the person's last message whether it is needed.
 */

/** A template approved in WhatsApp Manager, as a bot's admin declares it: its body's parameters, by name, in order. */
export interface TemplateSpec {
  name: string;
  /** The template's language code in WhatsApp Manager (`en_US`, `es`). */
  language: string;
  parameters: string[];
  /** Sent, with the text as its one parameter, when an operator writes after the window closed. */
  reengagement?: boolean;
}

/** A template ready to send: its body's parameter values in order. */
export interface TemplateMessage {
  name: string;
  language: string;
  parameters: string[];
}

/** Free-form messages may be sent this long after the person's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** True when only a template may reach the person: they never wrote, or last wrote over 24 hours ago. */
export function windowClosed(lastInboundAt: number | null, now: number): boolean {
  return lastInboundAt === null || now - lastInboundAt >= WHATSAPP_WINDOW_MS;
}

/** The bot's re-engagement template carrying `text`, for a message written after the window closed; undefined without one. */
export function reengagementTemplate(templates: readonly TemplateSpec[], text: string): TemplateMessage | undefined {
  const spec = templates.find((t) => t.reengagement);
  return spec && { name: spec.name, language: spec.language, parameters: [text.slice(0, 1024)] };
}
