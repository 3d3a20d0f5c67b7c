#!/usr/bin/env python3
"""KNOWN BROKEN - seed 002's old workflow, kept as an example of what racetrack catches.

    python3 reserve-broken.py COUNTERS PREFIX [COUNT]
    -> {"ids": ["SEC-20"], "reservedAt": "..."}

It reads the counter, adds COUNT and writes the file back - even atomically, through a temporary
file and os.replace - but WITHOUT any lock. Two processes that read before either writes see the
same counter and hand out the same IDs; the later write wins, so the file never shows it. The fix
(reserve.py) does the same read-increment-write under an exclusive flock.
"""
import datetime
import json
import os
import sys


def fail(message, code):
    print(json.dumps({"error": message}))
    sys.exit(code)


def main(argv):
    if len(argv) not in (2, 3) or argv[0] == "" or argv[1] == "":
        fail("usage: reserve-broken.py COUNTERS PREFIX [COUNT]", 2)
    counters, prefix = os.path.abspath(argv[0]), argv[1]
    try:
        count = int(argv[2]) if len(argv) == 3 else 1
    except ValueError:
        fail(f"COUNT must be an integer, got {argv[2]!r}", 2)
    if count < 1:
        fail("COUNT must be at least 1", 2)

    with open(counters, encoding="utf-8") as f:  # read ...
        data = json.load(f)
    current = data["counters"].get(prefix, 0)
    data["counters"][prefix] = current + count  # ... add ...
    tmp = f"{counters}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:  # ... write back: atomic, but nothing stops
        f.write(json.dumps(data, indent=2) + "\n")  # another process from reading the same
        f.flush()  # counter in between
        os.fsync(f.fileno())
    os.replace(tmp, counters)

    ids = [f"{prefix}-{n}" for n in range(current + 1, current + count + 1)]
    reserved_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    print(json.dumps({"ids": ids, "reservedAt": reserved_at}))


if __name__ == "__main__":
    main(sys.argv[1:])
