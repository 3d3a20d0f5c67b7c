import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext, VerbRunner } from './program.ts';
import { runAllocate } from './verbs/allocate.ts';
import { runFindNext } from './verbs/find-next.ts';
import { runInitCounters } from './verbs/init-counters.ts';
import { runLock } from './verbs/lock.ts';
import { runRecover } from './verbs/recover.ts';
import { runReserve } from './verbs/reserve.ts';
import { runValidateInbox } from './verbs/validate-inbox.ts';
import { runWriteAtomic } from './verbs/write-atomic.ts';

const format = () => new Option('--format <format>', 'output format').choices(['json', 'simple']).default('json');

/** The core primitives as CLI verbs: one verb per library function, usable from bash. */
export function registerCoreVerbs(program: Command, ctx: CliContext, run: VerbRunner): void {
  const { deps } = ctx;

  program
    .command('allocate')
    .description('atomically take the next numbered topic directory NNN_NAME under ROOT')
    .requiredOption('--root <dir>', 'the directory that holds the numbered topics')
    .requiredOption('--name <name>', 'the topic name (no separators, no "..")')
    .addOption(format())
    .addHelpText('after', '\nExample:\n  racetrack allocate --root specs --name auth_flow\n  {"topic_number":"007","topic_path":"/abs/specs/007_auth_flow"}')
    .action((o: { root: string; name: string; format: string }) => run(() => runAllocate(o, deps)));

  program
    .command('init-counters')
    .description('initialise the ID counters file from the highest IDs in a TASKS.md (never lowers a counter without --force)')
    .requiredOption('--tasks <file>', 'the TASKS.md to scan for IDs like SEC-19')
    .requiredOption('--counters <file>', 'the counters JSON file to create or raise')
    .option('--force', 'allow lowering existing counters', false)
    .action((o: { tasks: string; counters: string; force: boolean }) => run(() => runInitCounters(o, deps)));

  program
    .command('reserve')
    .description('atomically reserve COUNT (default 1) IDs for PREFIX')
    .requiredOption('--counters <file>', 'the counters JSON file')
    .argument('<prefix>', 'the ID prefix, e.g. SEC')
    .argument('[count]', 'how many IDs to reserve', '1')
    .addHelpText('after', '\nExample:\n  racetrack reserve --counters .task-id-counters.json SEC 2\n  {"ids":["SEC-20","SEC-21"],"reservedAt":"2026-11-22T10:00:00.000Z"}')
    .action((prefix: string, count: string, o: { counters: string }) => run(() => runReserve({ ...o, prefix, count }, deps)));

  program
    .command('validate-inbox')
    .description('check that every ID in a task inbox was reserved (not above its counter)')
    .requiredOption('--counters <file>', 'the counters JSON file')
    .requiredOption('--inbox <file>', 'the inbox JSON file ({"tasks":[{"id":…}]})')
    .action((o: { counters: string; inbox: string }) => run(() => runValidateInbox(o, deps)));

  program
    .command('find-next')
    .description('find the next batch or sites to work on in a registry table, and optionally claim it')
    .requiredOption('--registry <file>', 'the registry Markdown file')
    .addOption(new Option('--mode <mode>', 'what to find').choices(['batch', 'sites', 'status', 'active']).makeOptionMandatory())
    .addOption(new Option('--phase <phase>', 'which phase (required for batch and sites; filters active)').choices(['design', 'implement']))
    .option('--claim', 'claim what was found, under the lock', false)
    .option('--owner <id>', 'who claims (required with --claim)')
    .option('--lease-ms <n>', 'how long an in-progress claim stays its owner\'s')
    .option('--lock-file <file>', 'the lock file (default beside the registry)')
    .addOption(format())
    .addHelpText('after', '\nExample:\n  racetrack find-next --registry REGISTRY.md --mode batch --phase implement --claim --owner agent-7\n  {"batch":"003","sites":["a.example","b.example"],"claimed":true}')
    .action((o: Record<string, unknown>) => run(() => runFindNext(o as never, deps)));

  program
    .command('write-atomic')
    .description('replace FILE with the content of stdin, atomically and durably (temp, fsync, rename, fsync dir)')
    .argument('<file>', 'the file to replace')
    .option('--no-durable', 'skip the fsyncs (benchmarks only)')
    .action((file: string, o: { durable: boolean }) => run(async () => runWriteAtomic({ file, content: await ctx.readStdin(), durable: o.durable }, deps)));

  program
    .command('lock')
    .description('run COMMAND holding the lock FILE, like flock(1): waiters take it in arrival order, a dead holder\'s lock is broken')
    .usage('[options] FILE [--] COMMAND [ARGS...]')
    .argument('<file>', 'the lock file (created while held, removed after)')
    .argument('[command...]', 'the command to run and its arguments')
    .option('--timeout <ms>', 'how long to wait for the lock before ETIMEOUT (default 10000)')
    .option('--stale-ms <ms>', 'age past which a holder\'s lock may be broken although it lives: set it above COMMAND\'s longest run (default 5000)')
    .option('--no-wait', 'fail at once with ELOCKED if the lock is held')
    .passThroughOptions()
    .addHelpText('after', [
      '',
      'Options go before FILE; everything after FILE is the command. racetrack prints nothing of its own',
      'and ends as COMMAND ended (its exit status, or by the same signal), so COMMAND\'s output passes through.',
      'Its own failures print one JSON error on stdout and exit 2: bad input, ETIMEOUT, ELOCKED,',
      'a COMMAND that cannot start, or a lock found compromised at release (COMMAND ran past --stale-ms).',
      'SIGINT, SIGTERM or SIGHUP while waiting end racetrack; once COMMAND runs, SIGTERM is passed on to it',
      '(a terminal sends SIGINT and SIGHUP to COMMAND itself), and the lock is released when it ends.',
      '',
      'Example:',
      '  racetrack lock --stale-ms 60000 state.lock -- ./update-state.sh',
    ].join('\n'))
    .action((file: string, command: string[], o: { timeout?: string; staleMs?: string; wait: boolean }) => run(() => runLock({ ...o, file, command }, deps)));

  program
    .command('recover')
    .description('delete the orphaned temps of FILE whose writer is dead or that are old, under the lock FILE\'s writers take; never publishes one')
    .argument('<file>', 'the file whose temps to recover')
    .option('--lock-file <file>', 'the lock FILE\'s writers take (default FILE.lock; for a Markdown registry REGISTRY.md, REGISTRY.lock)')
    .option('--min-age-ms <ms>', 'age past which a temp is deleted although its writer may live (default 60000; 0 when every writer is known to be gone)')
    .addHelpText('after', [
      '',
      'A temp is never promoted over FILE, even a complete one: its writer had not reported success,',
      'so discarding it loses nothing anyone was told, while publishing it could roll FILE back',
      '(a holder whose lock was broken leaves a write older than the breaker\'s).',
      '',
      'Example:',
      '  racetrack recover .task-id-counters.json',
      '  {"target":"/abs/.task-id-counters.json","deleted":[…],"kept":[],"lockBroken":false,"summary":"deleted 1, kept 0"}',
    ].join('\n'))
    .action((file: string, o: { lockFile?: string; minAgeMs?: string }) => run(() => runRecover({ ...o, file }, deps)));
}
