/**
 * The decision record and the journal as Markdown, for a lab notebook or a paper's appendix.
 * Pure functions of the stored data, so the same record always gives the same text.
 */
import type { Decision, HyperValue } from '../../../preload/contract';
import type { Journal } from '../../../preload/contract-launch';
import { compareLaunch, improvementInterval, type LaunchComparison } from '../launch/stats';
import type { ConfigDiffRow } from '../launch/configDiff';
import { formatNumber, formatPercent, formatProbability } from '../../../preload/format';
import { hoursLabel } from './effort';
import { basisWords } from '../../../preload/objectiveSummary';

/** A number as a reader wants it: 4 significant digits. */
export function num(x: number | null | undefined): string {
  return formatNumber(x, { digits: 4 });
}

/** Text safe inside a Markdown table cell: pipes escaped, line breaks as spaces. */
export function cell(x: unknown): string {
  const s = x === null || x === undefined ? '—' : String(x);
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text as a Markdown block quote (a rationale keeps its paragraphs). */
function quote(text: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((l) => `> ${l}`.trimEnd())
    .join('\n');
}

function isoDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function value(v: HyperValue | null): string {
  return v === null ? '—' : `\`${String(v).replace(/`/g, "'")}\``;
}

function title(d: Decision): string {
  return d.kind === 'launch' ? `Launch #${d.launchNumber}` : `${d.kind === 'reject' ? 'Rejected' : 'Deferred'} candidate (decision #${d.id})`;
}

/**
 * A stored comparison recomputed from its own values with today's statistics, so a record
 * written before a wording was corrected (issue 11: a one-sided p-value once read as "the
 * probability that the candidate is better") is exported in the words that are true. The
 * stored values are the finite ones; the diverged runs come back as NaN, counted as before.
 */
export function restatedComparison(stored: LaunchComparison, metric: string): LaunchComparison {
  const diverged = (k: number | undefined) => Array.from({ length: k ?? 0 }, () => Number.NaN);
  return compareLaunch([...stored.candidate.values, ...diverged(stored.excluded?.candidate)], [...stored.incumbent.values, ...diverged(stored.excluded?.incumbent)], stored.goal, {
    metric,
    confidence: stored.welch?.confidence ?? stored.bootstrap?.confidence ?? 0.95,
    bootstrapSeed: stored.bootstrap?.seed ?? 0,
    resamples: stored.bootstrap?.resamples ?? 10_000,
  });
}

/** The statistics of a comparison as Markdown lines. */
function statisticsLines(s: LaunchComparison): string[] {
  const lines = [
    '| | seeds | mean | sd | values |',
    '|---|---:|---:|---:|---|',
    `| candidate | ${s.candidate.n} | ${num(s.candidate.mean)} | ${num(s.candidate.sd)} | ${s.candidate.values.map(num).join(', ')} |`,
    `| incumbent | ${s.incumbent.n} | ${num(s.incumbent.mean)} | ${num(s.incumbent.sd)} | ${s.incumbent.values.map(num).join(', ')} |`,
    '',
    // Everything as the improvement (positive = the candidate is better, whatever the goal), as
    // the panel shows it; recomputed from the raw intervals so older records read the same way.
    `- Improvement of the mean (positive = candidate better; ${s.goal === 'minimize' ? 'lower' : 'higher'} is better): ${num(s.improvement)}`,
  ];
  if (s.welch) {
    const [lo, hi] = improvementInterval(s.welch.interval, s.goal);
    lines.push(
      `- Welch's two-sided t-test: t = ${num(s.welch.t)}, df = ${num(s.welch.degreesOfFreedom)}, p = ${num(s.welch.pValue)}; ${Math.round(s.welch.confidence * 100)}% confidence interval of the improvement: [${num(lo)}, ${num(hi)}]`,
    );
  }
  if (s.bootstrap) {
    const [lo, hi] = improvementInterval(s.bootstrap.interval, s.goal);
    lines.push(
      `- Bootstrap ${Math.round(s.bootstrap.confidence * 100)}% interval of the improvement: [${num(lo)}, ${num(hi)}] (${s.bootstrap.resamples} resamples, seed ${s.bootstrap.seed})`,
    );
  } else if (s.bootstrapNote) {
    lines.push(`- ${s.bootstrapNote}`);
  }
  if (s.posterior) lines.push(`- Bayesian posterior probability that the candidate's true mean is better: ${formatProbability(s.posterior.probability)} (model below)`);
  else if (s.posteriorNote) lines.push(`- ${s.posteriorNote}`);
  lines.push('', s.reading);
  if (s.meanings.length) lines.push('', 'What these numbers mean, and what they do not:', '', ...s.meanings.map((m) => `- **${m.term}**: ${m.text}`));
  if (s.warnings.length) lines.push('', ...s.warnings.map((w) => `- ⚠ ${w.text}`));
  return lines;
}

/** One decision's record: what was decided, why, and the evidence behind it. */
export function decisionMarkdown(d: Decision, level = 1): string {
  const h = '#'.repeat(level);
  const ev = d.evidence as {
    statistics?: LaunchComparison | null;
    diff?: ConfigDiffRow[];
    candidateTrialIds?: number[];
    incumbentTrialIds?: number[];
    promotedTrialId?: number | null;
    implicit?: boolean;
  };
  const out = [`${h} ${title(d)}`, '', `- Decided: ${isoDate(d.createdAt)}`, `- Decision: **${d.kind}**`];
  if (d.objectiveMetric) out.push(`- Objective: ${d.objectiveMetric} = ${num(d.objective)}${ev.statistics ? ' (mean over seeds)' : ''}`);
  if (d.batchSize !== null) out.push(`- Batch size: ${d.batchSize}`);
  if (d.throughput !== null) out.push(`- Throughput: ${num(d.throughput)} examples/s`);
  if (d.studyId !== null) out.push(`- From study #${d.studyId}${ev.promotedTrialId ? `, trial #${ev.promotedTrialId}` : ''}`);
  out.push('', `${h}# Rationale`, '', quote(d.rationale));
  if (ev.diff && ev.diff.length) {
    out.push(
      '',
      `${h}# What changed`,
      '',
      '| hyperparameter | incumbent | candidate |',
      '|---|---|---|',
      ...ev.diff.map((r) => `| ${cell(r.name)} | ${cell(value(r.incumbent))} | ${cell(value(r.candidate))} |`),
    );
  }
  out.push('', `${h}# Configuration`, '', '```json', JSON.stringify(d.config, null, 2), '```');
  if (ev.statistics) out.push('', `${h}# Evidence`, '', ...statisticsLines(restatedComparison(ev.statistics, d.objectiveMetric ?? 'objective')));
  if (ev.candidateTrialIds || ev.incumbentTrialIds) {
    out.push(
      '',
      `Seed reruns — candidate: ${(ev.candidateTrialIds ?? []).map((i) => `#${i}`).join(', ') || '—'}; incumbent: ${(ev.incumbentTrialIds ?? []).map((i) => `#${i}`).join(', ') || '—'}.`,
    );
  }
  return out.join('\n') + '\n';
}

/** The whole journal, with every decision record appended. */
export function journalMarkdown(j: Journal): string {
  const metric = j.project.objectiveMetric ?? 'objective';
  const dir = j.project.objectiveGoal === 'minimize' ? 'lower is better' : 'higher is better';
  const what = j.project.objectiveLabel ? `${j.project.objectiveLabel}, ` : '';
  const out = [`# Journal: ${j.project.name}`, '', `Generated ${isoDate(j.generatedAt)}. Objective: ${what || `${metric}, `}${dir}.`, ''];

  out.push('## Baseline', '');
  out.push(
    j.baseline.source === 'launch'
      ? `Launch #${j.baseline.launchNumber}, ${metric} = ${num(j.baseline.objective)}${j.baseline.objectiveLabel ? ` (${j.baseline.objectiveLabel})` : ''}.`
      : "No launch yet: the project's own configuration is the incumbent.",
  );
  out.push('', '```json', JSON.stringify(j.baseline.config, null, 2), '```', '');

  out.push('## Launches', '');
  if (j.launches.length === 0) out.push('None yet.');
  else {
    out.push(`| launch | decided | ${cell(metric)} | value is | gain over its incumbent | ${hoursLabel(j.compute)} spent |`, '|---|---|---:|---|---:|---:|');
    for (const l of j.launches)
      out.push(`| #${l.decision.launchNumber} | ${isoDate(l.decision.createdAt)} | ${num(l.objective)} | ${basisWords(l.objectiveBasis, l.objectiveRuns)} | ${num(l.gain)} | ${num(l.gpuHours)} |`);
  }
  out.push('', j.saturation.reading, '');

  out.push('## Effort', '');
  const e = j.effort;
  out.push(
    `${num(e.total)} ${hoursLabel(j.compute)} in all: exploration ${num(e.exploration)}, exploitation ${num(e.exploitation)}, other ${num(e.other)}.` +
      (e.explorationShare !== null ? ` Exploration share (exploration against exploitation): ${formatPercent(e.explorationShare, 2)}.` : ''),
    '',
  );

  out.push('## Studies', '');
  if (j.studies.length === 0) out.push('None yet.', '');
  for (const s of j.studies) {
    out.push(
      `### ${s.name}`,
      '',
      `- Goal: ${s.goal}`,
      `- Status: ${s.status}; ${s.feasible}/${s.trials} feasible; best trial${s.bestTrialId === null ? '' : ` #${s.bestTrialId}`}: ${s.objectiveLabel} ${num(s.best)}; ${num(s.gpuHours)} ${hoursLabel(j.compute)}`,
    );
    if (s.batchSize !== null) out.push(`- Tuned at batch size ${s.batchSize}`);
    for (const r of s.stale) out.push(`- ⚠ Tuned for a different baseline: ${r}`);
    out.push(`- Conclusion: ${s.conclusion?.trim() ? s.conclusion.trim() : '(none written yet)'}`);
    const known = s.sensitivity;
    if (known.length) {
      out.push(
        '',
        '| hyperparameter | role | verdict | importance | why |',
        '|---|---|---|---:|---|',
        ...known.map((x) => `| ${cell(x.name)} | ${x.role} | ${x.verdict} | ${Math.round(x.share * 100)}% | ${cell(x.note)} |`),
      );
    }
    if (s.sensitivityNote) out.push('', known.length ? s.sensitivityNote : `No verdicts on which hyperparameters matter: ${s.sensitivityNote}`);
    out.push('');
  }

  out.push('## Open questions', '');
  const open = j.questions.filter((q) => q.resolvedAt === null);
  const answered = j.questions.filter((q) => q.resolvedAt !== null);
  if (j.questions.length === 0) out.push('None recorded.');
  for (const q of open) out.push(`- [ ] ${cell(q.text)}`);
  for (const q of answered) out.push(`- [x] ${cell(q.text)}${q.answer ? ` — ${cell(q.answer)}` : ''}`);
  out.push('');

  out.push('## Decision records', '');
  if (j.decisions.length === 0) out.push('None yet.', '');
  for (const d of j.decisions) out.push(decisionMarkdown(d, 3));
  return out.join('\n');
}
