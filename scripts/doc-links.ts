import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Finds the broken relative links in the project's Markdown: a file that is not there, or an
 * `#anchor` that no heading of the target makes (GitHub's slugs). `npm run docs:links` prints them;
 * a unit test keeps the count at zero.
 */
export function brokenDocLinks(root: string): string[] {
  const broken: string[] = [];
  for (const file of markdownFiles(root)) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // http:, https:, mailto:
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = path ? resolve(dirname(file), path) : file;
      const where = `${relative(root, file)}: ${target}`;
      if (!existsSync(resolved)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !headingSlugs(readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${where} (no heading makes #${anchor})`);
      }
    }
  }
  return broken;
}

function markdownFiles(root: string): string[] {
  const files = ['README.md', 'deployment/README.md', 'temporal-config/README.md', 'bench/results/summary.md']
    .map((name) => join(root, name))
    .filter((path) => existsSync(path));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk(join(root, 'docs'));
  return files;
}

/** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

if (require.main === module) {
  const broken = brokenDocLinks(join(__dirname, '..'));
  for (const line of broken) process.stderr.write(`${line}\n`);
  process.stdout.write(broken.length ? `${broken.length} broken link(s)\n` : 'Every relative link in the docs resolves.\n');
  process.exit(broken.length ? 1 : 0);
}
