import type { Sut, SutReport } from '../../scenarios/suts/sut.ts';
import { buildIncremental, type CheckerSettings } from '../checkers/build.ts';
import type { CheckerFactory } from '../checkers/checker.ts';
import type { CheckerSpec } from '../checkers/spec.ts';
import type { NotChecked } from './run-result.ts';

/** Each report a system under test may give: what it is, and what else is measured from it besides checkers. */
const REPORTS: Readonly<Record<SutReport, { readonly what: string; readonly measures: readonly { readonly name: string; readonly judged: string }[] }>> = {
  'lock-events': {
    what: 'its lock acquisitions and releases',
    measures: [{ name: 'lock-timing', judged: 'no lock hold or wait time can be measured' }],
  },
};

/** The checkers a run applies, and the ones (and measurements) it leaves out with the reason. */
export interface CheckPlan {
  readonly checkers: readonly (readonly [string, CheckerFactory])[];
  readonly notChecked: readonly NotChecked[];
}

/**
 * Splits a scenario's checkers into those the system under test can feed and those it cannot: a
 * checker that needs a report the SUT does not give (an `--exec` command's lock acquisitions)
 * would judge nothing, so it is left out and listed as not checked, with the reason, rather than
 * run to pass (or stay unknown) on an empty history.
 */
export function planChecks(specs: readonly CheckerSpec[], sut: Pick<Sut, 'name' | 'reports'>, settings: CheckerSettings = {}): CheckPlan {
  const given = (need: SutReport) => sut.reports === undefined || sut.reports.includes(need);
  const checkers: (readonly [string, CheckerFactory])[] = [];
  const notChecked: NotChecked[] = [];
  const missing = new Set<SutReport>();
  for (const spec of specs) {
    const { checker: name, needs } = spec;
    if (needs === undefined || given(needs)) {
      checkers.push([name, buildIncremental(spec, settings)]);
      continue;
    }
    missing.add(needs);
    notChecked.push({ checker: name, reason: `the system under test (${sut.name}) does not report ${REPORTS[needs].what}, so there is nothing for ${name} to judge` });
  }
  for (const need of missing) {
    for (const m of REPORTS[need].measures) notChecked.push({ checker: m.name, reason: `the system under test (${sut.name}) does not report ${REPORTS[need].what}, so ${m.judged}` });
  }
  return { checkers, notChecked };
}
