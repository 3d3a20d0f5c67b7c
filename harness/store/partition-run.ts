// What `racetrack run … --store postgres --partition` needs before anything is created, and the
// server settings it runs the throwaway cluster with. The nemesis itself is in
// harness/engine/process-runner.ts; the namespace and its link in netns.ts.
import { RacetrackError } from '../../core/errors.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';

/**
 * The scenarios a partition cuts a client of: the lock, whose holder is cut off once it holds it.
 * (Reserve and claim are not partitioned yet: a cut before the client connects fails its operation
 * with an unreachable server, and one during a commit leaves its outcome unknown, which the store's
 * errors do not yet say apart from a definite failure.)
 */
export const PARTITION_SCENARIOS = ['lock'] as const;

/**
 * How the server notices a cut-off client during a partitioned run: TCP keepalive probes after
 * 1 s of silence, 1 s apart, 2 of them (for an idle connection), and tcp_user_timeout=3000 (for
 * one with data unacknowledged, say an ACK the cut swallowed, where keepalives never fire). The
 * server then gives up on the connection after about 3-3.5 s and frees what its session held, as a
 * server configured to notice dead clients does; without them it would keep a cut-off session for
 * many minutes.
 */
export const PARTITION_SERVER_SETTINGS = ['tcp_keepalives_idle=1', 'tcp_keepalives_interval=1', 'tcp_keepalives_count=2', 'tcp_user_timeout=3000'] as const;
/** How long the server takes to drop a silent client with those settings, at most about. */
export const SERVER_GIVES_UP_MS = 3500;
/** How far past the lease (and the server's giving up) a cut lasts. */
export const PARTITION_MARGIN_MS = 1000;

/** How long each cut lasts: past the lease and past the server's giving up on the connection. */
export function partitionForMs(staleMs: number): number {
  return Math.max(staleMs, SERVER_GIVES_UP_MS) + PARTITION_MARGIN_MS;
}

/** What a partitioned run is asked for, as far as the check goes. */
export interface PartitionAsk {
  readonly sut: Sut;
  readonly scenario: string;
  readonly store: string | undefined;
  readonly isolation: string;
  readonly workers: number;
  readonly hosts: number | undefined;
  readonly pausing: boolean;
}

/** EINVALID, saying why, for a `--partition` the run cannot honour; checked before anything is created. */
export function checkPartition(a: PartitionAsk): void {
  const refuse = (why: string) => {
    throw new RacetrackError('EINVALID', `--partition ${why}`, { scenario: a.scenario, sut: a.sut.name });
  };
  if (a.sut.store === undefined) refuse(`cuts a client off from the store's server: run a store system under test (--store postgres), not "${a.sut.name}"`);
  if (a.store !== undefined && a.store !== 'postgres') refuse('needs the throwaway cluster (--store postgres): an existing server does not listen on the link to the namespace');
  if (!(PARTITION_SCENARIOS as readonly string[]).includes(a.scenario)) refuse(`runs ${PARTITION_SCENARIOS.join(', ')} only`);
  if (a.isolation !== 'process') refuse('needs --isolation process: the worker cut off is a process in its own network namespace');
  if (a.workers < 2) refuse('needs at least 2 workers: one cut off, one that goes on');
  if (a.hosts !== undefined) refuse('cannot be combined with --hosts');
  if (a.pausing) refuse('cannot be combined with --pause: both stop the first lock holder');
}
