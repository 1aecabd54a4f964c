/**
 * The markdown models write, read into a small tree: blocks (paragraphs, headings, list items,
 * fenced code) of inline runs (text, bold, italic, code, links). Only this subset is read; anything
 * else, and any marker left unclosed, stays literal text, so no reply can fail to render.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold'; children: Inline[] }
  | { type: 'italic'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; url: string; children: Inline[] };

export type Block =
  | { type: 'paragraph'; lines: Inline[][] }
  | { type: 'heading'; content: Inline[] }
  | { type: 'item'; marker: string; content: Inline[] }
  | { type: 'code'; language: string; text: string };

const FENCE = /^\s*```(\S*)\s*$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: Inline[][] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', lines: paragraph });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
      // An unclosed fence is text, as written.
      if (end > i) {
        flush();
        blocks.push({ type: 'code', language: fence[1] ?? '', text: lines.slice(i + 1, end).join('\n') });
        i = end;
        continue;
      }
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (heading) {
      flush();
      blocks.push({ type: 'heading', content: parseInline(heading[1]!) });
    } else if (bullet) {
      flush();
      blocks.push({ type: 'item', marker: '•', content: parseInline(bullet[1]!) });
    } else if (numbered) {
      flush();
      blocks.push({ type: 'item', marker: `${numbered[1]}.`, content: parseInline(numbered[2]!) });
    } else {
      paragraph.push(parseInline(line.trim()));
    }
  }
  flush();
  return blocks;
}

/** Inline markup: `code`, **bold** or __bold__, *italic* or _italic_, [text](url). */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const push = (node: Inline) => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
    out.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const code = /^`([^`\n]+)`/.exec(rest);
    if (code) {
      push({ type: 'code', text: code[1]! });
      i += code[0].length;
      continue;
    }
    const link = /^\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/.exec(rest);
    if (link) {
      push({ type: 'link', url: link[2]!, children: parseInline(link[1]!) });
      i += link[0].length;
      continue;
    }
    const bold = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest);
    if (bold) {
      push({ type: 'bold', children: parseInline(bold[2]!) });
      i += bold[0].length;
      continue;
    }
    // A single * or _ opens italics only at a word's start (not inside snake_case or 2*3*4).
    const italic = /^([*_])(?=\S)([^*_\n]*?\S)\1(?![\w])/.exec(rest);
    if (italic && (i === 0 || !/\w/.test(text[i - 1]!))) {
      push({ type: 'italic', children: parseInline(italic[2]!) });
      i += italic[0].length;
      continue;
    }
    plain += text[i];
    i += 1;
  }
  if (plain) out.push({ type: 'text', text: plain });
  return out;
}
