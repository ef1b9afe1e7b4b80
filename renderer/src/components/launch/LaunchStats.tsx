import type { LaunchComparison } from '../../../../preload/contract-launch';
import { formatNumber, formatProbability } from '../../lib/format';

/** 4 significant digits, as the statistics module writes them. */
export function num(x: number | null | undefined): string {
  return formatNumber(x, { digits: 4 });
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k), zero included when in range. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(Math.abs(k) < 1e-12 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/**
 * The improvement's interval drawn against zero (a one-row forest plot): right of zero means
 * better, whatever the goal, so the picture reads the same for a loss and an accuracy. The axis
 * carries the improvement's values, the same numbers as the stat boxes and the reading.
 */
function IntervalBar({ c }: { c: LaunchComparison }) {
  const welch = c.improvementInterval.welch;
  if (!welch) return null;
  const boot = c.improvementInterval.bootstrap;
  const lo = Math.min(0, welch[0], boot?.[0] ?? 0);
  const hi = Math.max(0, welch[1], boot?.[1] ?? 0);
  const pad = (hi - lo) * 0.08 || 1e-9;
  const frac = (x: number) => (x - (lo - pad)) / (hi - lo + 2 * pad);
  const pos = (x: number) => `${(frac(x) * 100).toFixed(2)}%`;
  const width = (a: number, b: number) => `${(((b - a) / (hi - lo + 2 * pad)) * 100).toFixed(2)}%`;
  const verdict = welch[0] > 0 ? 'better' : welch[1] < 0 ? 'worse' : 'unclear';
  const pct = Math.round((c.welch?.confidence ?? 0.95) * 100);
  return (
    <div className="interval" data-testid="interval-bar" data-verdict={verdict}>
      <div className="interval-track">
        {ticks(lo - pad, hi + pad).map((t) => (
          <span key={t} className="interval-grid" style={{ left: pos(t) }} />
        ))}
        <span className="interval-zero" style={{ left: pos(0) }} title="no difference" />
        <span
          className="interval-welch"
          style={{ left: pos(welch[0]), width: width(welch[0], welch[1]) }}
          title={`Welch ${pct}% confidence interval of the improvement: ${num(welch[0])} to ${num(welch[1])}`}
        />
        {boot && (
          <span
            className="interval-boot"
            style={{ left: pos(boot[0]), width: width(boot[0], boot[1]) }}
            title={`percentile bootstrap ${pct}% interval of the improvement: ${num(boot[0])} to ${num(boot[1])}`}
          />
        )}
        <span className="interval-point" style={{ left: pos(c.improvement) }} title={`improvement ${num(c.improvement)}`} />
      </div>
      <div className="interval-ticks" data-testid="interval-ticks">
        {ticks(lo - pad, hi + pad).map((t) => (
          // A tick label centred on its tick would run past the track's ends ("0.0084" read as "084"): the outer ones align inwards.
          <span key={t} className={`interval-tick${t === 0 ? ' zero' : ''}`} style={{ left: pos(t), transform: `translateX(${frac(t) < 0.06 ? '0' : frac(t) > 0.94 ? '-100%' : '-50%'})` }} data-tick={t}>
            {num(t)}
          </span>
        ))}
      </div>
      <div className="interval-axis">
        <span>← candidate worse</span>
        <span>candidate better →</span>
      </div>
    </div>
  );
}

/** Mean, sd and each seed's value per side; the difference with Welch's and the bootstrap interval; the reading; the warnings. */
export function LaunchStats({ c, metric }: { c: LaunchComparison; metric: string }) {
  const pct = Math.round((c.welch?.confidence ?? 0.95) * 100);
  const iv = c.improvementInterval;
  return (
    <div data-testid="launch-stats">
      <table className="table stats-table">
        <thead>
          <tr>
            <th>{metric}</th>
            <th className="num">seeds</th>
            <th className="num">mean</th>
            <th className="num">sd</th>
            <th>each seed</th>
          </tr>
        </thead>
        <tbody>
          {(['candidate', 'incumbent'] as const).map((side) => (
            <tr key={side} data-side={side}>
              <td>
                <span className={`swatch ${side}`} /> {side}
              </td>
              <td className="num">{c[side].n}</td>
              <td className="num mono">{num(c[side].mean)}</td>
              <td className="num mono">{num(c[side].sd)}</td>
              <td className="mono small-values">{c[side].values.map(num).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="stat-grid">
        <div className="stat">
          <span className="stat-label">improvement (mean)</span>
          <span className="stat-value mono" data-testid="improvement">
            {num(c.improvement)}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">{pct}% confidence interval of the improvement (Welch)</span>
          <span className="stat-value mono" data-testid="welch-interval">
            {iv.welch ? `[${num(iv.welch[0])}, ${num(iv.welch[1])}]` : '—'}
          </span>
        </div>
        <div className="stat" title={c.bootstrapNote ?? undefined}>
          <span className="stat-label">{pct}% percentile bootstrap interval</span>
          <span className="stat-value mono" data-testid="bootstrap-interval">
            {iv.bootstrap ? `[${num(iv.bootstrap[0])}, ${num(iv.bootstrap[1])}]` : '—'}
          </span>
          {c.bootstrapNote && <span className="stat-note">too few seeds: see the note below</span>}
        </div>
        <div className="stat" title="Welch's two-sided t-test of equal means: not the probability that either configuration is better (see below)">
          <span className="stat-label">p-value (Welch, two-sided{c.welch?.degreesOfFreedom ? `, df ${num(c.welch.degreesOfFreedom)}` : ''})</span>
          <span className="stat-value mono" data-testid="p-value">
            {num(c.welch?.pValue)}
          </span>
        </div>
        <div className="stat" title={c.posterior ? c.posterior.model : (c.posteriorNote ?? undefined)}>
          <span className="stat-label">Bayesian P(candidate’s mean better)</span>
          <span className="stat-value mono" data-testid="p-improvement">
            {c.posterior ? formatProbability(c.posterior.probability) : '—'}
          </span>
          <span className="stat-note">{c.posterior ? 'posterior under the model below' : 'needs ≥ 2 varying runs a side'}</span>
        </div>
      </div>
      <p className="subtle small">
        Improvement = how much better the candidate’s mean is (
        {c.goal === 'minimize' ? 'incumbent − candidate, as lower is better' : 'candidate − incumbent, as higher is better'}): positive means the candidate is
        better, in the boxes, the reading and the bar below (right of zero = better; thick: Welch{iv.bootstrap ? ', thin: bootstrap' : ''}).
      </p>
      <IntervalBar c={c} />
      <p className="reading" data-testid="reading">
        {c.reading}
      </p>
      {c.welch && c.bootstrapNote && (
        <p className="subtle small" data-testid="bootstrap-note">
          {c.bootstrapNote}
        </p>
      )}
      {c.meanings.length > 0 && (
        <details className="meanings" data-testid="meanings" open>
          <summary>What these numbers mean, and what they do not</summary>
          <dl>
            {c.meanings.map((m) => (
              <div key={m.term} data-meaning={m.term}>
                <dt>{m.term}</dt>
                <dd>{m.text}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      {c.posteriorNote && c.welch && (
        <p className="subtle small" data-testid="posterior-note">
          {c.posteriorNote}
        </p>
      )}
      {c.warnings.length > 0 && (
        <ul className="warnings" data-testid="launch-warnings">
          {c.warnings.map((w) => (
            <li key={w.code} data-warning={w.code}>
              <span aria-hidden>⚠</span> {w.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
