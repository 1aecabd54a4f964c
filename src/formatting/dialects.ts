/**
 * The model's markdown in each platform's dialect. Pure: each platform's send picks its dialect.
 * - Telegram: HTML (`parse_mode: HTML`), text escaped, so nothing a model writes is read as a tag;
 * - Slack: mrkdwn (`*bold*`, `_italic_`, `<url|text>`), `&`, `<` and `>` escaped;
 * - WhatsApp: `*bold*`, `_italic_`, ``` ```code``` ```, links as `text (url)`;
 * - plain text (Messenger, and the fallback when a platform refuses markup): the markers removed.
 * Discord renders markdown itself and the web chat renders it safely in the page.
 */
import { type Block, type Inline, parseMarkdown } from './markdown';

interface Dialect {
  text(text: string): string;
  bold(inner: string): string;
  italic(inner: string): string;
  code(text: string): string;
  link(url: string, inner: string): string;
  codeBlock(text: string, language: string): string;
  heading(inner: string): string;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeSlack = escapeHtml;

const TELEGRAM_HTML: Dialect = {
  text: escapeHtml,
  bold: (inner) => `<b>${inner}</b>`,
  italic: (inner) => `<i>${inner}</i>`,
  code: (text) => `<code>${escapeHtml(text)}</code>`,
  link: (url, inner) => `<a href="${escapeHtml(url).replace(/"/g, '&quot;')}">${inner}</a>`,
  codeBlock: (text, language) => (language ? `<pre><code class="language-${escapeHtml(language)}">${escapeHtml(text)}</code></pre>` : `<pre>${escapeHtml(text)}</pre>`),
  heading: (inner) => `<b>${inner}</b>`,
};

const SLACK_MRKDWN: Dialect = {
  text: escapeSlack,
  bold: (inner) => `*${inner}*`,
  italic: (inner) => `_${inner}_`,
  code: (text) => `\`${escapeSlack(text)}\``,
  link: (url, inner) => `<${url}|${inner.replace(/[|>]/g, ' ')}>`,
  codeBlock: (text) => `\`\`\`\n${escapeSlack(text)}\n\`\`\``,
  heading: (inner) => `*${inner}*`,
};

const WHATSAPP: Dialect = {
  text: (text) => text,
  bold: (inner) => `*${inner}*`,
  italic: (inner) => `_${inner}_`,
  code: (text) => `\`${text}\``,
  link: (url, inner) => (inner === url ? url : `${inner} (${url})`),
  codeBlock: (text) => `\`\`\`${text}\`\`\``,
  heading: (inner) => `*${inner}*`,
};

const PLAIN: Dialect = {
  text: (text) => text,
  bold: (inner) => inner,
  italic: (inner) => inner,
  code: (text) => text,
  link: (url, inner) => (inner === url ? url : `${inner} (${url})`),
  codeBlock: (text) => text,
  heading: (inner) => inner,
};

export const toTelegramHtml = (markdown: string) => render(markdown, TELEGRAM_HTML);
export const toSlackMrkdwn = (markdown: string) => render(markdown, SLACK_MRKDWN);
export const toWhatsApp = (markdown: string) => render(markdown, WHATSAPP);
export const toPlainText = (markdown: string) => render(markdown, PLAIN);

function render(markdown: string, dialect: Dialect): string {
  const blocks = parseMarkdown(markdown);
  // A list's items stay together; other blocks are paragraphs apart.
  return blocks.map((block, i) => (i === 0 ? '' : block.type === 'item' && blocks[i - 1]!.type === 'item' ? '\n' : '\n\n') + renderBlock(block, dialect)).join('');
}

function renderBlock(block: Block, dialect: Dialect): string {
  switch (block.type) {
    case 'paragraph':
      return block.lines.map((line) => renderInline(line, dialect)).join('\n');
    case 'heading':
      return dialect.heading(renderInline(block.content, dialect));
    case 'item':
      return `${block.marker} ${renderInline(block.content, dialect)}`;
    case 'code':
      return dialect.codeBlock(block.text, block.language);
  }
}

function renderInline(nodes: Inline[], dialect: Dialect): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return dialect.text(node.text);
        case 'bold':
          return dialect.bold(renderInline(node.children, dialect));
        case 'italic':
          return dialect.italic(renderInline(node.children, dialect));
        case 'code':
          return dialect.code(node.text);
        case 'link':
          return dialect.link(node.url, renderInline(node.children, dialect));
      }
    })
    .join('');
}
