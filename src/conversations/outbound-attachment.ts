/**
 * Files a reply carries: an image or a document at an HTTPS URL, sent with each platform's media
 * API after the reply's text. Pure: the HTTP API checks an operator's, the pipeline reads a tool's,
 * and the send path falls back to a link when a platform refuses one.
 */

export interface OutboundAttachment {
  kind: 'image' | 'file';
  /** Where the platform fetches it: HTTPS, reachable from the internet. */
  url: string;
  /** A document's file name, and the text of its link should it go as one. */
  name?: string;
}

/** At most this many files go with one reply. */
export const MAX_OUTBOUND_ATTACHMENTS = 10;

/** True for a URL a platform may fetch: HTTPS with a host. */
export function isFetchableUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The files a tool's answer offers the person: `{"attachments": [{"kind": "image", "url":
 * "https://…"}]}` in its JSON. Anything else in the answer is the model's to read; what is not a
 * well-formed file is left out.
 */
export function attachmentsInToolAnswer(content: string): OutboundAttachment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return [];
  }
  const listed = (parsed as { attachments?: unknown } | null)?.attachments;
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((item): OutboundAttachment[] => {
    const { kind, url, name } = (item ?? {}) as Record<string, unknown>;
    if ((kind !== 'image' && kind !== 'file') || typeof url !== 'string' || !isFetchableUrl(url)) return [];
    return [{ kind, url, ...(typeof name === 'string' && name.trim() !== '' && { name: name.trim().slice(0, 200) }) }];
  }).slice(0, MAX_OUTBOUND_ATTACHMENTS);
}

/** What goes instead of a file a platform refused: its name and its link. */
export function attachmentLinkText(attachment: OutboundAttachment): string {
  return `${attachment.name ?? (attachment.kind === 'image' ? 'Image' : 'File')}: ${attachment.url}`;
}
