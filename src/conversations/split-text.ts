/**
 * Splits a reply into parts of at most `limit` characters, in order, breaking at the last paragraph,
 * sentence or word boundary that fits, and mid-word only when a single word is longer than `limit`.
 * Pure, so the workflow can use it.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be at least 1');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = findCut(rest, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

const BOUNDARIES = [/\n\s*\n/g, /\n/g, /[.!?…。！？]["')\]]*\s/g, /[;:,]\s/g, /\s/g];

function findCut(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const boundary of BOUNDARIES) {
    let best = -1;
    for (const match of window.matchAll(boundary)) {
      const end = match.index + match[0].length;
      // A cut keeps the boundary's punctuation with the part before it.
      const cut = match[0].trim().length > 0 ? match.index + match[0].trimEnd().length : match.index;
      if (end <= limit + 1 && cut > 0 && cut <= limit) best = cut;
    }
    // Prefer a boundary in the back half; a cut far too early makes many tiny parts.
    if (best >= limit / 2) return best;
  }
  return limit;
}
