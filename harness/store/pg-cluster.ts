// A throwaway PostgreSQL cluster for tests and `racetrack run --store postgres`: initdb in a temp
// directory, started with pg_ctl on a Unix socket there and a random port, no TCP listener,
// fsync off (on for a bench beside the durable file core). PostgreSQL refuses to run as root, so as
// root the cluster runs as `nobody`.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../core/errors.ts';

/** What to do when PostgreSQL is not installed. */
export const POSTGRES_INSTALL_HINT = 'install PostgreSQL (Debian: apt-get install postgresql), or pass --store postgres://… for a running server';

/** A running throwaway cluster. `stop` shuts it down and removes its directory. */
export interface PgCluster {
  /** A connection URL for the cluster's `postgres` database, over its Unix socket. */
  readonly url: string;
  /** With `tcp`: the URL over TCP at its address. */
  readonly tcpUrl?: string;
  readonly dir: string;
  /** Whether the server fsyncs its WAL at commit: off for tests (nothing is lost unless the machine crashes), on for a bench. */
  readonly fsync: boolean;
  stop(): void;
}

/** How to start a throwaway cluster. */
export interface PgClusterOptions {
  readonly port?: number;
  /** fsync and full_page_writes on: durable commits, as a fair comparison with the durable file core needs. Default false. */
  readonly fsync?: boolean;
  /**
   * Also listen on TCP at `address` and let the clients of the network `clients` (CIDR) in without
   * a password: a client in another network namespace (netns.ts) reaches the server there.
   */
  readonly tcp?: { readonly address: string; readonly clients: string };
  /** More server settings, `name=value` each. */
  readonly settings?: readonly string[];
}

/** The directory holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin; null when absent. */
export function findPostgresBin(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? null : join(root, versions[0]!, 'bin');
}

/** PostgreSQL's binaries, or EINVALID with an install hint. */
export function requirePostgresBin(): string {
  const bin = findPostgresBin();
  if (bin === null) throw new RacetrackError('EINVALID', `--store postgres needs PostgreSQL, which is not installed: ${POSTGRES_INSTALL_HINT}`, { hint: POSTGRES_INSTALL_HINT });
  return bin;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as `nobody` when we are root. */
function runPg(bin: string, tool: string, args: readonly string[]): void {
  const argv = isRoot() ? ['runuser', '-u', 'nobody', '--', join(bin, tool), ...args] : [join(bin, tool), ...args];
  const res = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.status !== 0) {
    throw new RacetrackError('EIO', `${tool} failed: ${(res.stderr || res.stdout || String(res.error ?? '')).trim().split('\n').slice(-3).join(' ')}`, { tool, status: res.status });
  }
}

/**
 * Starts a throwaway cluster. About 1-2 s. The caller must `stop()` it; stopping twice is harmless.
 * EINVALID (with an install hint) when PostgreSQL is not installed; EIO when it will not start.
 */
export function startPgCluster(options: PgClusterOptions = {}): PgCluster {
  const bin = requirePostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'racetrack-pg-'));
  if (isRoot()) chownSync(dir, 65534, 65534);
  const data = join(dir, 'data');
  const port = options.port ?? 20_000 + Math.floor(Math.random() * 40_000);
  let running = false;
  const stop = () => {
    if (running) {
      running = false;
      try {
        runPg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone: nothing to stop.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runPg(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'racetrack', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    if (options.tcp !== undefined) appendFileSync(join(data, 'pg_hba.conf'), `host all all ${options.tcp.clients} trust\n`);
    const durable = options.fsync === true ? 'on' : 'off';
    const settings = [
      `-c listen_addresses=${options.tcp === undefined ? "''" : options.tcp.address}`,
      ...(options.settings ?? []).map((setting) => `-c ${setting}`),
      `-k ${dir}`,
      `-p ${port}`,
      `-c fsync=${durable}`,
      '-c synchronous_commit=on',
      `-c full_page_writes=${durable}`,
      '-c max_connections=200',
    ];
    runPg(bin, 'pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', settings.join(' '), 'start']);
    running = true;
  } catch (err) {
    stop();
    throw err;
  }
  return {
    url: `postgresql://racetrack@${encodeURIComponent(dir)}:${port}/postgres`,
    ...(options.tcp === undefined ? {} : { tcpUrl: `postgresql://racetrack@${options.tcp.address}:${port}/postgres` }),
    dir,
    fsync: options.fsync === true,
    stop,
  };
}
