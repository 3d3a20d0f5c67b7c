// Simulated hosts for worker processes (`racetrack run --hosts N`): each worker process runs in
// its own UTS and PID namespaces (`unshare --uts --pid --fork --mount-proc`), so it has its own
// host name and sees only its own processes, over the same directory. A lock can then no longer
// prove a holder dead by its pid (the pid is in another host's PID space): it must rely on its
// lease, as it must between real hosts sharing a volume. Same kernel, same clock, same file
// system: what this cannot simulate (NFS semantics, clock skew) is in docs/hosts.md.
import { spawnSync } from 'node:child_process';
import { RacetrackError } from '../../core/errors.ts';
import type { ProcessLaunch } from './process-party.ts';

/** The host name of simulated host `host` (0-based). */
export function hostName(host: number): string {
  return `racetrack-host-${host + 1}`;
}

/**
 * `launch`, run on simulated host `host`: unshare starts it as PID 1 of a new PID namespace with
 * its own /proc and host name, and is told to SIGKILL it should unshare itself be killed (so the
 * nemesis's SIGKILL of the party still kills the worker).
 */
export function onHost(launch: ProcessLaunch, host: number): ProcessLaunch {
  return {
    ...launch,
    argv: ['unshare', '--uts', '--pid', '--fork', '--mount-proc', '--kill-child', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', hostName(host), ...launch.argv],
  };
}

/**
 * Checks `hosts` before anything is created: an integer from 1 to `workers`, process isolation,
 * no pauses (a pause stops the worker and continues it by signal, which would reach unshare, not
 * the worker), and namespaces this machine lets racetrack create. EINVALID saying why otherwise.
 */
export function checkHosts(hosts: number, workers: number, isolation: string, pausing: boolean): void {
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > workers) throw new RacetrackError('EINVALID', `--hosts must be an integer from 1 to --workers (${workers})`, { hosts });
  if (isolation !== 'process') throw new RacetrackError('EINVALID', '--hosts needs --isolation process: a host is a process of its own', { hosts });
  if (pausing) throw new RacetrackError('EINVALID', '--hosts cannot be combined with --pause: the pause continues a worker by signal, which would reach unshare and not the worker', { hosts });
  const probe = spawnSync('unshare', ['--uts', '--pid', '--fork', '--mount-proc', '--kill-child', '--', 'sh', '-c', 'hostname racetrack-probe'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = probe.error !== undefined ? probe.error.message : probe.stderr.trim() || `exit ${probe.status}`;
    throw new RacetrackError('EINVALID', `--hosts needs unshare(1) and permission to create UTS, PID and mount namespaces (root or user namespaces), which this machine refuses: ${why}`, { hosts });
  }
}
