/** One syscall as strace printed it (an `<unfinished ...>` line merged with its `<... resumed>`). */
export interface SyscallRecord {
  readonly pid: number;
  /** When it was entered: wall-clock seconds (strace `-ttt`). */
  readonly time: number;
  /** How long it took, in seconds (strace `-T`); 0 when not printed. */
  readonly duration: number;
  readonly name: string;
  /** Its arguments as strace printed them, split at the top-level commas. */
  readonly args: readonly string[];
  /** The return value; null for `?` (the call did not return: exit, or a kill). */
  readonly result: number | null;
  /** The path strace printed beside a returned descriptor (`-y`): `= 3</tmp/x>`. */
  readonly resultPath?: string;
  /** `ENOENT` and the like when the result is -1. */
  readonly errno?: string;
  /** strace injected a fault here (`(INJECTED)`) or delayed it (`(DELAYED)`). */
  readonly injected: boolean;
  readonly delayed: boolean;
  /** Its position among the trace's syscalls, from 0, in the order strace entered them. */
  readonly seq: number;
}

/** A traced process ended: exited with a status, or killed by a signal. */
export interface ProcessEnd {
  readonly pid: number;
  readonly time: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface ParsedTrace {
  readonly syscalls: readonly SyscallRecord[];
  readonly ends: readonly ProcessEnd[];
  /** Lines that are none of the above (signals delivered, strace's own notes), kept for a reader. */
  readonly other: readonly string[];
  /** Every process (or thread) of the trace, in the order its first line was written. */
  readonly processes: readonly number[];
}

/** Splits an argument list at its top-level commas (quotes, (), [], {} and `<path>` kept whole). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if ('([{<'.includes(ch)) depth++;
    else if (')]}>'.includes(ch)) depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/** A C string as strace prints it (`"a\nb"`, possibly cut: `"abc"...`), decoded; null if not a string. */
export function unquote(arg: string): string | null {
  const m = /^"((?:[^"\\]|\\.)*)"(?:\.\.\.)?$/.exec(arg);
  if (m === null) return null;
  return m[1]!.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** A descriptor argument with its `-y` path: `9</tmp/x.lock>` → { fd: 9, path }; `AT_FDCWD</tmp>` → fd -100. */
export function fdArg(arg: string): { fd: number; path: string | null } | null {
  const m = /^(-?\d+|AT_FDCWD)(?:<(.*)>)?$/.exec(arg);
  if (m === null) return null;
  return { fd: m[1] === 'AT_FDCWD' ? -100 : Number(m[1]), path: m[2] ?? null };
}

const HEAD = /^(\d+)\s+(\d+(?:\.\d+)?)\s+(.*)$/;
const CALL = /^([a-z_0-9]+)\((.*)$/;
// What follows the argument list: `) = RESULT[<path>] [ERRNO (text)] [(flags …)] [(INJECTED)] <DURATION>`.
const TAIL = /^(.*)\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)(?:<([^>]*)>)?(?:\s+([A-Z][A-Z0-9_]+)\s+\([^)]*\))?(.*?)(?:\s+<(\d+\.\d+)>)?$/;

/**
 * Reads a trace written by `strace -f -ttt -T -y -o FILE`: one record per syscall, the two halves
 * of a call another process's line interrupted (`<unfinished ...>` … `<... name resumed>`)
 * merged, in the order the calls were entered.
 */
export function parseTrace(text: string): ParsedTrace {
  const syscalls: Omit<SyscallRecord, 'seq'>[] = [];
  const ends: ProcessEnd[] = [];
  const other: string[] = [];
  const pending = new Map<number, { time: number; head: string }>();
  const processes = new Set<number>();
  const complete = (pid: number, time: number, text: string) => {
    const call = CALL.exec(text);
    const tail = call === null ? null : TAIL.exec(call[2]!);
    if (call === null || tail === null) {
      other.push(`${pid} ${text}`);
      return;
    }
    const raw = tail[2]!;
    const flags = tail[5] ?? '';
    syscalls.push({
      pid,
      time,
      duration: tail[6] === undefined ? 0 : Number(tail[6]),
      name: call[1]!,
      args: splitArgs(tail[1]!),
      result: raw === '?' ? null : Number(raw),
      ...(tail[3] === undefined ? {} : { resultPath: tail[3] }),
      ...(tail[4] === undefined ? {} : { errno: tail[4] }),
      injected: flags.includes('(INJECTED)'),
      delayed: flags.includes('(DELAYED)'),
    });
  };
  for (const line of text.split('\n')) {
    const head = HEAD.exec(line);
    if (head === null) {
      if (line.trim() !== '') other.push(line);
      continue;
    }
    const pid = Number(head[1]);
    processes.add(pid);
    const time = Number(head[2]);
    const rest = head[3]!;
    const end = /^\+\+\+ (?:exited with (\d+)|killed by (SIG[A-Z0-9]+)(?: \(core dumped\))?) \+\+\+$/.exec(rest);
    if (end !== null) {
      ends.push({ pid, time, exitCode: end[1] === undefined ? null : Number(end[1]), signal: end[2] ?? null });
      continue;
    }
    const unfinished = /^(.*?)\s*<unfinished \.\.\.>$/.exec(rest);
    if (unfinished !== null) {
      pending.set(pid, { time, head: unfinished[1]! });
      continue;
    }
    const resumed = /^<\.\.\. ([a-z_0-9]+) resumed>\s?(.*)$/.exec(rest);
    if (resumed !== null) {
      const start = pending.get(pid);
      pending.delete(pid);
      if (start === undefined) other.push(line);
      else complete(pid, start.time, `${start.head}${start.head.endsWith('(') || resumed[2]!.startsWith(')') ? '' : ' '}${resumed[2]}`);
      continue;
    }
    if (rest.startsWith('---') || rest.startsWith('+++')) {
      other.push(line);
      continue;
    }
    complete(pid, time, rest);
  }
  // A call still unfinished when the trace ended (its process was killed in it) did not return.
  for (const [pid, start] of pending) complete(pid, start.time, `${start.head}) = ?`);
  const ordered = syscalls.map((s, i) => ({ s, i })).sort((a, b) => a.s.time - b.s.time || a.i - b.i);
  return { syscalls: ordered.map(({ s }, seq) => ({ ...s, seq })), ends, other, processes: [...processes] };
}
