// A network partition between one worker process and the PostgreSQL server (`run --store postgres
// --partition`): the worker runs in a network namespace of its own, connected to this one by a
// veth pair with a /30 of its own, and reaches the server over TCP at the host side's address.
// The nemesis cuts it off by setting the host side of the pair down (nftables is not used: the
// link going down drops every packet both ways, which is all a cut needs) and heals it by setting
// it up again. TCP connections survive a cut shorter than their retransmission timeout; what the
// server and the client conclude meanwhile is what the run tests. Needs root (CAP_NET_ADMIN) and
// ip(8); removing the namespace removes the pair.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { RacetrackError } from '../../core/errors.ts';
import type { ProcessLaunch } from '../engine/process-party.ts';

/** How a cut is made, as result.json reports it. */
export const CUT_METHOD = 'veth-down';

/** A namespace for one client and the link between it and this namespace. */
export interface NetPartition {
  /** The namespace's name (ip netns). */
  readonly name: string;
  /** Where the server listens, on this side of the pair. */
  readonly serverAddress: string;
  /** The /30 of the pair, for the server's pg_hba.conf. */
  readonly subnet: string;
  readonly method: typeof CUT_METHOD;
  /** `launch` started inside the namespace, with `env` set. */
  wrap(launch: ProcessLaunch, env: Readonly<Record<string, string>>): ProcessLaunch;
  /** Cuts the client off: no packet passes either way until `heal`. */
  cut(): void;
  heal(): void;
  /** Removes the namespace (and with it the pair). Harmless twice. */
  remove(): void;
}

function ip(args: readonly string[]): { ok: boolean; why: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error !== undefined) return { ok: false, why: `ip(8) could not run: ${r.error.message}` };
  return { ok: r.status === 0, why: (r.stderr || r.stdout).trim() || `exit ${r.status}` };
}

function must(args: readonly string[]): void {
  const r = ip(args);
  if (!r.ok) throw new RacetrackError('EIO', `ip ${args.join(' ')} failed: ${r.why}`, { args: [...args] });
}

/** EINVALID, saying why, where this machine does not let racetrack create a network namespace; creates nothing that stays. */
export function checkNetPartition(): void {
  createNetPartition().remove();
}

/**
 * Creates the namespace and the veth pair, addressed and up. EINVALID saying why where the machine
 * does not allow it (not root, no CAP_NET_ADMIN, no ip(8)): `--partition` never runs without a cut.
 */
export function createNetPartition(): NetPartition {
  const tag = randomBytes(3).toString('hex');
  const name = `racetrack-${tag}`;
  const probe = ip(['netns', 'add', name]);
  if (!probe.ok) {
    throw new RacetrackError('EINVALID', `--partition needs root (CAP_NET_ADMIN) and ip(8) to create a network namespace and a veth pair, which this machine refuses: ${probe.why}`, {
      why: probe.why,
    });
  }
  const hostIf = `rth${tag}`;
  const clientIf = `rtc${tag}`;
  // A /30 in 10.200.0.0/13 named by the tag, so that runs side by side do not share one.
  const n = Number.parseInt(tag, 16);
  const base = `10.${200 + (n % 8)}.${(n >> 3) % 256}`;
  const octet = ((n >> 11) % 64) * 4;
  const serverAddress = `${base}.${octet + 1}`;
  const clientAddress = `${base}.${octet + 2}`;
  const subnet = `${base}.${octet}/30`;
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    ip(['link', 'del', hostIf]);
    ip(['netns', 'del', name]);
  };
  try {
    must(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', clientIf]);
    must(['link', 'set', clientIf, 'netns', name]);
    must(['addr', 'add', `${serverAddress}/30`, 'dev', hostIf]);
    must(['link', 'set', hostIf, 'up']);
    must(['netns', 'exec', name, 'ip', 'addr', 'add', `${clientAddress}/30`, 'dev', clientIf]);
    must(['netns', 'exec', name, 'ip', 'link', 'set', clientIf, 'up']);
    must(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    remove();
    throw err;
  }
  return {
    name,
    serverAddress,
    subnet,
    method: CUT_METHOD,
    wrap: (launch, env) => ({ ...launch, argv: ['ip', 'netns', 'exec', name, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...launch.argv] }),
    cut: () => must(['link', 'set', 'dev', hostIf, 'down']),
    heal: () => must(['link', 'set', 'dev', hostIf, 'up']),
    remove,
  };
}
