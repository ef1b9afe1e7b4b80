/**
 * "Draft the next study": the playbook's incremental loop turned into a proposal. After a study,
 * the next round usually keeps the question, widens the ranges whose best trial sat on an edge
 * (the best value may lie outside), and fixes the nuisance hyperparameters the objective turned
 * out to be insensitive to (fewer dimensions, a denser search for the same budget). The draft is
 * a proposal the researcher edits in the study designer; nothing runs until they start it.
 */
import type { HyperRole, HyperValue, Hyperparameters, ObjectiveGoal } from '../../preload/contract';
import { caseKey, type PlainRange, type SearchRange, type SearchSpace } from '../../preload/space';
import { formatNumber } from '../../preload/format';
import type { BoundaryWarning } from './boundary';
import { rankFeasible, type EvaluatedTrial } from './trials';

/** The study a draft starts from, as stored. */
export interface DraftSource {
  name: string;
  goal: string;
  space: SearchSpace;
  roles: Readonly<Record<string, HyperRole>>;
  fixed: Hyperparameters;
  objectiveMetric: string;
  objectiveGoal: ObjectiveGoal;
  budget: number;
  concurrency: number;
}

/** What the analysis found, as the draft reads it. */
export interface DraftEvidence {
  evaluated: readonly EvaluatedTrial[];
  boundary: readonly BoundaryWarning[];
  /** The engine's importance verdict per hyperparameter (whatever measure computed it). */
  verdicts: readonly { name: string; verdict: 'sensitive' | 'moderate' | 'insensitive' | 'unclear' }[];
}

/** One change from the source study, with the reason in words. */
export interface DraftChange {
  hyperparameter: string;
  kind: 'widened' | 'fixed';
  text: string;
}

/** The next study's design, ready for the designer; it has the shape `studies.create` takes, less the project and seed. */
export interface StudyDraft {
  name: string;
  goal: string;
  space: SearchSpace;
  roles: Record<string, HyperRole>;
  fixed: Hyperparameters;
  objectiveMetric: string;
  objectiveGoal: ObjectiveGoal;
  budget: number;
  concurrency: number;
  changes: DraftChange[];
}

/**
 * How far a linear or integer range is widened past the edge: half its width. Far enough that a
 * best value just beyond the edge falls well inside, near enough that the density of the search
 * does not halve.
 */
const WIDEN_FRACTION = 0.5;

/** "Nesterov vs Adam" -> "Nesterov vs Adam (2)"; "… (2)" -> "… (3)". */
export function nextStudyName(name: string): string {
  const m = /^(.*) \((\d+)\)$/.exec(name);
  return m ? `${m[1]} (${Number(m[2]) + 1})` : `${name} (2)`;
}

/** A round number near x (3 significant digits), so a widened bound reads like one typed by hand. */
function round(x: number): number {
  return Number(x.toPrecision(3));
}

/**
 * The range widened on one side; null where no widening can be proposed without knowing what the
 * hyperparameter means (a list of values, a category).
 */
function widen(range: PlainRange, w: BoundaryWarning): PlainRange | null {
  const high = w.side === 'high';
  switch (range.type) {
    case 'log': {
      // One decade, as the boundary check suggests.
      const bound = w.suggestedBound ?? (high ? range.max * 10 : range.min / 10);
      return high ? { ...range, max: round(bound) } : { ...range, min: round(bound) };
    }
    case 'linear': {
      const width = range.max - range.min;
      // A range inside [0, 1] is most likely a fraction (dropout, momentum, a beta): widen it
      // towards the end of [0, 1] instead of past it, where the script would reject the value.
      const fraction = range.min >= 0 && range.max <= 1;
      if (high) return { ...range, max: round(fraction ? range.max + (1 - range.max) * WIDEN_FRACTION : range.max + width * WIDEN_FRACTION) };
      const min = fraction || range.min >= 0 ? Math.max(0, range.min - width * WIDEN_FRACTION) : range.min - width * WIDEN_FRACTION;
      return min === range.min ? null : { ...range, min: round(min) };
    }
    case 'int': {
      const step = Math.max(1, Math.round((range.max - range.min) * WIDEN_FRACTION));
      if (high) return { ...range, max: range.log ? range.max * 2 : range.max + step };
      // Counts (layers, widths) stay at least 1 where the range started at 1 or more.
      const floor = range.min >= 1 ? 1 : -Infinity;
      const min = Math.max(floor, range.log ? Math.floor(range.min / 2) : range.min - step);
      return min === range.min ? null : { ...range, min };
    }
    case 'discrete':
    case 'categorical':
      return null;
  }
}

function boundsText(r: PlainRange): string {
  return r.type === 'log' || r.type === 'linear' || r.type === 'int' ? `[${formatNumber(r.min)}, ${formatNumber(r.max)}]` : '';
}

/** The case of a conditional range that applies to `parent`, or the range itself. */
function withCase(range: SearchRange, condition: BoundaryWarning['condition'], f: (r: PlainRange) => PlainRange | null): SearchRange | null {
  if (range.type !== 'conditional') return f(range);
  if (!condition) return null;
  const current = range.cases[condition.value];
  if (!current) return null;
  const next = f(current);
  return next ? { ...range, cases: { ...range.cases, [condition.value]: next } } : null;
}

/**
 * The next study drafted from a finished (or running) one:
 * - the scientific hyperparameters and the goal carried over unchanged: the question stays;
 * - each nuisance range whose best trial sat near an edge widened on that side (a log range by a
 *   decade, a linear or integer one by half its width);
 * - each nuisance hyperparameter the objective was insensitive to fixed at the study's best
 *   trial's value, unless its range was just widened (the edge says the best is not found yet).
 *   Scientific hyperparameters are never fixed: their effect is the question.
 * Every change comes with its reason, for the designer to show.
 */
export function draftNextStudy(source: DraftSource, evidence: DraftEvidence): StudyDraft {
  const space: SearchSpace = { ...source.space };
  const roles: Record<string, HyperRole> = { ...source.roles };
  const fixed: Hyperparameters = { ...source.fixed };
  const changes: DraftChange[] = [];
  const role = (name: string): HyperRole => source.roles[name] ?? (name in source.space ? 'nuisance' : 'fixed');

  const widened = new Set<string>();
  // One widening per range and side: the best trials of several scientific groups (the best Adam
  // and the best Nesterov trial) on the same edge of one shared range widen it once.
  const edges = new Map<string, BoundaryWarning[]>();
  for (const w of evidence.boundary) {
    const key = `${w.hyperparameter}\u0000${w.condition?.value ?? ''}\u0000${w.side}`;
    edges.set(key, [...(edges.get(key) ?? []), w]);
  }
  for (const ws of edges.values()) {
    const w = ws[0]!;
    const name = w.hyperparameter;
    if (role(name) !== 'nuisance' || !space[name]) continue;
    let before: PlainRange | null = null;
    let after: PlainRange | null = null;
    const next = withCase(space[name]!, w.condition, (r) => {
      const n = widen(r, w);
      before = r;
      after = n;
      return n;
    });
    if (!next || !before || !after) continue;
    space[name] = next;
    widened.add(name);
    const whose = w.condition ? ` for ${w.condition.on} = ${w.condition.value}` : '';
    const trials = ws.map((x) => `${x.group === null ? 'the best trial' : `the best ${x.group} trial`} (#${x.trialId}, ${name} = ${formatNumber(x.value)})`);
    changes.push({
      hyperparameter: name,
      kind: 'widened',
      text: `${name}${whose} widened ${w.side === 'high' ? 'above' : 'below'} ${formatNumber(w.bound)}: ${boundsText(before)} → ${boundsText(after)}; ${trials.join(' and ')} sat near that edge.`,
    });
  }

  const best = rankFeasible(evidence.evaluated, source.objectiveGoal)[0];
  if (best) {
    for (const v of evidence.verdicts) {
      const name = v.name;
      if (v.verdict !== 'insensitive' || role(name) !== 'nuisance' || widened.has(name) || !space[name]) continue;
      const value: HyperValue | undefined = best.trial.hyperparameters[name];
      if (value === undefined) continue;
      // A conditional range on the hyperparameter about to be fixed would lose its switch:
      // keep the case that applies to the fixed value.
      const dependents = Object.entries(space).filter(([, r]) => r.type === 'conditional' && r.on === name);
      if (dependents.some(([n]) => role(n) === 'scientific')) continue;
      delete space[name];
      roles[name] = 'fixed';
      fixed[name] = value;
      for (const [n, r] of dependents) {
        const c = r.type === 'conditional' ? r.cases[caseKey(value)] : undefined;
        if (c) space[n] = c;
        else {
          delete space[n];
          delete roles[n];
        }
      }
      changes.push({
        hyperparameter: name,
        kind: 'fixed',
        text: `${name} fixed at ${typeof value === 'number' ? formatNumber(value, { digits: 4 }) : String(value)}, the best trial's value (#${best.trial.id}): the objective was insensitive to it across its range, so the search spends its trials on the others.`,
      });
    }
  }

  return {
    name: nextStudyName(source.name),
    goal: source.goal,
    space,
    roles,
    fixed,
    objectiveMetric: source.objectiveMetric,
    objectiveGoal: source.objectiveGoal,
    budget: source.budget,
    concurrency: source.concurrency,
    changes,
  };
}
