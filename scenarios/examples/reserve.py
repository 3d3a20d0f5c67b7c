#!/usr/bin/env python3
"""A correct task-ID reserver (seed 002's fixed workflow), Python 3 standard library only.

    python3 reserve.py COUNTERS PREFIX [COUNT]
    -> {"ids": ["SEC-20", "SEC-21"], "reservedAt": "2026-02-19T18:00:00.000Z"}

COUNTERS is a JSON file {"counters": {"SEC": 19, ...}}. The whole read-increment-write runs under
an exclusive fcntl.flock on COUNTERS + ".lock", and the new counter is written to a temporary
file that is fsynced, renamed over COUNTERS with os.replace and made durable by fsyncing the
directory, so a crash leaves either the old counter or the new one, never a torn file.

The lock file stays behind on purpose (flock locks the open file, not its existence; deleting it
would let two processes lock two different files): gate it with `--keep counters.json.lock`.

Exit codes: 0 reserved; 1 runtime failure (counters file missing or corrupt, I/O error);
2 bad arguments. Errors are printed as JSON {"error": ...} on stdout.
"""
import datetime
import fcntl
import json
import os
import re
import sys

PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
MAX_COUNT = 1000


def fail(message, code):
    print(json.dumps({"error": message}))
    sys.exit(code)


def parse_args(argv):
    if len(argv) not in (2, 3):
        fail("usage: reserve.py COUNTERS PREFIX [COUNT]", 2)
    counters, prefix = argv[0], argv[1]
    if counters == "" or "\0" in counters:
        fail("COUNTERS must be a non-empty path", 2)
    if not PREFIX.match(prefix):
        fail(f"invalid prefix {prefix!r}: a letter, then up to 31 letters, digits or '_'", 2)
    count = 1
    if len(argv) == 3:
        if not re.fullmatch(r"[0-9]{1,7}", argv[2]) or not 1 <= int(argv[2]) <= MAX_COUNT:
            fail(f"COUNT must be an integer from 1 to {MAX_COUNT}, got {argv[2]!r}", 2)
        count = int(argv[2])
    return os.path.abspath(counters), prefix, count


def read_counters(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        fail(f"counters file not found: {path}", 1)
    except (ValueError, UnicodeDecodeError) as e:
        fail(f"counters file {path} is not valid JSON: {e}", 1)
    if not isinstance(data, dict) or not isinstance(data.get("counters"), dict):
        fail(f'counters file {path} has no "counters" object', 1)
    return data


def write_atomically(path, text):
    directory = os.path.dirname(path)
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))  # a regular file: one write writes it all
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)  # the rename itself survives a power loss
    finally:
        os.close(dfd)


def main(argv):
    counters, prefix, count = parse_args(argv)
    try:
        lock_fd = os.open(counters + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        fail(f"cannot open lock file {counters}.lock: {e}", 1)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)  # held until the new counter is on disk
        data = read_counters(counters)
        current = data["counters"].get(prefix, 0)
        if type(current) is not int or current < 0:
            fail(f"counter {prefix} in {counters} is {current!r}, not a non-negative integer", 1)
        data["counters"][prefix] = current + count
        write_atomically(counters, json.dumps(data, indent=2) + "\n")
    except OSError as e:
        fail(f"cannot update {counters}: {e}", 1)
    finally:
        os.close(lock_fd)  # releases the flock
    ids = [f"{prefix}-{n}" for n in range(current + 1, current + count + 1)]
    reserved_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    print(json.dumps({"ids": ids, "reservedAt": reserved_at}))


if __name__ == "__main__":
    main(sys.argv[1:])
