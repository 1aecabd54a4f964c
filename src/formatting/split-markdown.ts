/**
 * Splits a markdown reply into parts of at most `limit` characters on markup boundaries: between
 * paragraphs and code blocks first; a code block too long for one part goes as several, each fenced;
 * inside a paragraph, never within a **bold**, `code` or [link](url) span that fits in a part.
 * Pure, like `splitText`, which it uses for the rest.
 */
import { splitText } from '../conversations/split-text';

const FENCED = /^```[^\n]*\n[\s\S]*?\n```$/;
/** Spans a cut must not fall inside: their spaces are held together while the paragraph is split. */
const SPANS = /\*\*[^*\n]+\*\*|__[^_\n]+__|`[^`\n]+`|\[[^\]\n]+\]\([^)\s]+\)/g;
const GLUE = '\u0001';

export function splitMarkdown(text: string, limit: number): string[] {
  const units = blocksOf(text.trim()).flatMap((unit) => (unit.length <= limit ? [unit] : splitUnit(unit, limit)));
  const parts: string[] = [];
  for (const unit of units) {
    const last = parts.at(-1);
    if (last !== undefined && last.length + 2 + unit.length <= limit) parts[parts.length - 1] = `${last}\n\n${unit}`;
    else parts.push(unit);
  }
  return parts.length > 0 ? parts : [''];
}

/** Paragraphs, and fenced code blocks kept whole whatever blank lines they hold. */
function blocksOf(text: string): string[] {
  const blocks: string[] = [];
  const pieces = text.split(/(^```[^\n]*\n[\s\S]*?\n```$)/m);
  for (const piece of pieces) {
    if (FENCED.test(piece)) blocks.push(piece);
    else blocks.push(...piece.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== ''));
  }
  return blocks;
}

function splitUnit(unit: string, limit: number): string[] {
  if (FENCED.test(unit)) return splitCode(unit, limit);
  const glued = unit.replace(SPANS, (span) => (span.length <= limit ? span.replace(/ /g, GLUE) : span));
  return splitText(glued, limit).map((part) => part.split(GLUE).join(' '));
}

/** A long code block as several, each with its own fences, split between lines where it can be. */
function splitCode(block: string, limit: number): string[] {
  const [opening, ...rest] = block.split('\n');
  const body = rest.slice(0, -1).join('\n');
  const room = Math.max(1, limit - opening!.length - '\n\n```'.length);
  return splitText(body, room).map((piece) => `${opening}\n${piece}\n\`\`\``);
}
