// The kernel's own lock, flock(2), as the reference the core lock is measured against when the lock
// alone is the bottleneck (`racetrack bench --op lock`). One long-lived Python process per worker
// opens the lock file once and loops "flock(LOCK_EX), read the counter file, rewrite it with the
// next number over it, flock(LOCK_UN)" until the deadline: no fork per op (as flock(1) from bash
// pays), and the same critical section as the other rows (one read-write open, no truncate). A process per worker in both isolations: the kernel's lock has no threads to take
// turns, so the threaded core is compared with the same processes.
import type { Sut } from '../sut.ts';

/**
 * argv after `python3 -c SOURCE`: lock file, counter file, start µs, end µs (epoch; `-` `-`: say
 * `ready` on stderr once the lock file is open, then read `start end` from stdin), durable (ignored:
 * the lock op never syncs), op. Prints `t0 t1 t2 t3` per op in epoch µs, or `E message`.
 */
const KERNEL_FLOCK_SCRIPT = `
import fcntl, os, sys, time
lock, counter = sys.argv[1], sys.argv[2]
now = lambda: time.time_ns() // 1000
fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
if sys.argv[3] == '-':
    sys.stderr.write('ready\\n')
    sys.stderr.flush()
    start, end = (int(x) for x in sys.stdin.readline().split())
else:
    start, end = int(sys.argv[3]), int(sys.argv[4])
gap = start - now() - 2000
if gap > 1000:
    time.sleep(gap / 1e6)
while now() < start:
    pass
out = []
while True:
    t0 = now()
    if t0 >= end:
        break
    fcntl.flock(fd, fcntl.LOCK_EX)
    t1 = now()
    try:
        c = os.open(counter, os.O_RDWR | os.O_NOFOLLOW)
        try:
            n = int(os.pread(c, 32, 0))
            os.pwrite(c, b'%d\\n' % (n + 1), 0)
        finally:
            os.close(c)
    except Exception as e:
        fcntl.flock(fd, fcntl.LOCK_UN)
        out.append('E %s' % e)
        continue
    t2 = now()
    fcntl.flock(fd, fcntl.LOCK_UN)
    t3 = now()
    out.append('%d %d %d %d' % (t0, t1, t2, t3))
sys.stdout.write(''.join(line + '\\n' for line in out))
`;

/** flock(2) from a long-lived Python process per worker: the kernel's lock, on the lock op only. */
export const kernelFlock: Sut = {
  name: 'kernel-flock',
  kind: 'peer',
  description:
    "the kernel's flock(2) from a long-lived Python process per worker (fcntl.flock on a lock file opened once): LOCK_EX, read and rewrite the counter file, LOCK_UN; --op lock only, one process per worker in both isolations",
  reports: [],
  honoursDeps: false,
  honoursIdentity: false,
  script: { ops: ['lock'], interpreter: 'python3', source: KERNEL_FLOCK_SCRIPT, withThreads: true },
};
