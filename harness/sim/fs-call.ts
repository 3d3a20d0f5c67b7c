import type { FsFacade } from '../../core/fs-facade.ts';

/** The name of one FsFacade method. */
export type FsMethod = keyof FsFacade;

/** Every FsFacade method, in the interface's order. */
export const FS_METHODS: readonly FsMethod[] = [
  'openExclusive',
  'openTruncate',
  'write',
  'fsync',
  'fchmod',
  'fchown',
  'close',
  'readFile',
  'rename',
  'link',
  'unlink',
  'mkdir',
  'rmdir',
  'readdir',
  'lstat',
  'fsyncDir',
];

/** How one recorded call ended. `crashed-*` marks the call at which the world stopped. */
export type FsCallOutcome = 'ok' | 'error' | 'crashed-before' | 'crashed-mid' | 'crashed-after';

/** One fs call a primitive made, as recorded for a printed case. Paths as given; data as its length. */
export interface FsCall {
  readonly index: number;
  readonly method: FsMethod;
  /** Paths, fds and (for `write`) the byte count. */
  readonly args: readonly (string | number)[];
  readonly outcome: FsCallOutcome;
  /** The fd an open returned, the size read, the number of entries listed. */
  readonly result?: number;
  /** The errno code of a call that failed. */
  readonly error?: string;
  /** For a crash mid-write: how many of the bytes reached the file. */
  readonly wrote?: number;
}

/** The recordable arguments of a call: data becomes its length. */
export function callArgs(method: FsMethod, args: readonly unknown[]): (string | number)[] {
  if (method === 'write') return [args[0] as number, (args[1] as Uint8Array).length];
  return args.map((a) => (typeof a === 'number' ? a : String(a)));
}

/** The recordable result of a call: fds, sizes, counts. */
export function callResult(method: FsMethod, value: unknown): number | undefined {
  if (method === 'openExclusive' || method === 'openTruncate') return value as number;
  if (method === 'readFile') return (value as Uint8Array).length;
  if (method === 'readdir') return (value as string[]).length;
  return undefined;
}

/** One line for a human: `3 rename STATE.md.tmp.… -> STATE.md: ok`, paths shown relative to `root`. */
export function formatFsCall(call: FsCall, root = ''): string {
  const rel = (a: string | number) => (typeof a === 'string' && root !== '' && a.startsWith(`${root}/`) ? a.slice(root.length + 1) : String(a));
  const args =
    call.method === 'write'
      ? `fd ${call.args[0]}, ${call.args[1]} bytes`
      : call.method === 'fchmod'
        ? `fd ${call.args[0]}, 0${Number(call.args[1]).toString(8)}`
        : call.method === 'fchown'
          ? `fd ${call.args[0]}, ${call.args[1]}:${call.args[2]}`
          : call.args.map(rel).join(' -> ');
  const result = call.result === undefined ? '' : call.method.startsWith('open') ? ` = fd ${call.result}` : ` = ${call.result}`;
  const end: Record<FsCallOutcome, string> = {
    ok: `ok${result}`,
    error: `${call.error ?? 'error'}`,
    'crashed-before': 'CRASH before the call',
    'crashed-mid': `CRASH after ${call.wrote ?? 0} of ${call.args[1]} bytes`,
    'crashed-after': `ok${result}, then CRASH`,
  };
  return `${String(call.index).padStart(3)} ${call.method}(${args}): ${end[call.outcome]}`;
}
