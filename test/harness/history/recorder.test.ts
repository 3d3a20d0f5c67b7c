// How a worker's recorder turns operations and lock events into history events.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RacetrackError } from '../../../core/errors.ts';
import { monotonicNs } from '../../../harness/history/history.ts';
import { Recorder } from '../../../harness/history/recorder.ts';

const compromised = (stage: string) => new RacetrackError('ECOMPROMISED', 'lock x was compromised', { path: 'x', stage });

describe('Recorder', () => {
  test('a lock found lost at the check before the write is a fail (nothing published); found at release, an info', async () => {
    const rec = new Recorder(3, 1);
    await rec.op('reserve', { n: 1 }, () => Promise.reject(compromised('check')));
    await rec.op('reserve', { n: 1 }, () => Promise.reject(compromised('release')));
    await rec.op('reserve', { n: 1 }, () => Promise.reject(new RacetrackError('ECOMPROMISED', 'no stage')));
    await rec.op('reserve', { n: 1 }, () => Promise.reject(new RacetrackError('ETIMEOUT', 'waited')));
    const endings = rec.events.filter((e) => e.type !== 'invoke').map((e) => [e.type, e.value]);
    assert.deepEqual(endings, [
      ['fail', { error: 'ECOMPROMISED', message: 'lock x was compromised', stage: 'check' }],
      ['info', { error: 'ECOMPROMISED', message: 'lock x was compromised', stage: 'release' }],
      ['info', { error: 'ECOMPROMISED', message: 'no stage' }],
      ['fail', { error: 'ETIMEOUT', message: 'waited' }],
    ]);
  });

  test('an acquire is recorded when the hold began, not when the observer heard of it', () => {
    const rec = new Recorder(0, 0);
    const before = monotonicNs();
    rec.lockObserver().acquired?.({ path: 'x.lock', token: 't', waitedMs: 20, at: 100, stampedAt: 96, sinceMs: 5, attempts: 2 });
    const after = monotonicNs();
    const [invoke, ok] = rec.events;
    assert.equal(ok?.type, 'ok');
    assert.ok(ok!.time <= after - 5e6 && ok!.time >= before - 5e6, 'the ok is 5 ms before the call');
    assert.equal(ok!.time - invoke!.time, 20e6, 'the invoke is the wait before that');
    assert.deepEqual(ok!.value, { path: 'x.lock', waitedMs: 20, leadMs: 4 }, 'the lease began 4 ms before the hold');
  });

  test('a scenario that records the acquire itself learns when the lease began, if the lock says so', () => {
    const rec = new Recorder(0, 0);
    const seen: number[] = [];
    const lease = rec.leaseLead({ staleMs: 1000, observer: { acquired: (e) => seen.push(e.at) } });
    assert.deepEqual(lease.withLead({ path: 'x.lock' }), { path: 'x.lock' }, 'nothing reported, nothing claimed');
    const acquiredFrom = monotonicNs();
    lease.lockOptions.observer?.acquired?.({ path: 'x.lock', token: 't', waitedMs: 1, at: 100, stampedAt: 96, sinceMs: 5, attempts: 1 });
    const acquiredBy = monotonicNs();
    const calledFrom = monotonicNs();
    const { leadMs } = lease.withLead({ path: 'x.lock' }) as { leadMs: number };
    const calledBy = monotonicNs();
    // The lease began 4 ms (at - stampedAt) before a hold that began 5 ms (sinceMs) before the acquired event:
    // the lead is those 9 ms plus whatever passed between the event and the call, both bracketed on the same clock.
    assert.ok(leadMs >= 9 + (calledFrom - acquiredBy) / 1e6 && leadMs <= 9 + (calledBy - acquiredFrom) / 1e6, `lead ${leadMs} ms`);
    assert.deepEqual(seen, [100], "the scenario's own observer still hears of it");
    assert.equal(lease.lockOptions.staleMs, 1000);
  });
});
