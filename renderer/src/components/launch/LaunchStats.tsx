import type { LaunchComparison } from '../../../../preload/contract-launch';

/** 4 significant digits, as the statistics module writes them. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

/**
 * The improvement's interval drawn against zero (a one-row forest plot): right of zero means
 * better, whatever the goal, so the picture reads the same for a loss and an accuracy.
 */
function IntervalBar({ c }: { c: LaunchComparison }) {
  if (!c.welch) return null;
  const flip = c.goal === 'minimize' ? -1 : 1;
  const welch = [c.welch.interval[0] * flip, c.welch.interval[1] * flip].sort((a, b) => a - b) as [number, number];
  const boot = c.bootstrap ? ([c.bootstrap.interval[0] * flip, c.bootstrap.interval[1] * flip].sort((a, b) => a - b) as [number, number]) : null;
  const lo = Math.min(0, welch[0], boot?.[0] ?? 0);
  const hi = Math.max(0, welch[1], boot?.[1] ?? 0);
  const pad = (hi - lo) * 0.08 || 1e-9;
  const pos = (x: number) => `${(((x - (lo - pad)) / (hi - lo + 2 * pad)) * 100).toFixed(2)}%`;
  const width = (a: number, b: number) => `${(((b - a) / (hi - lo + 2 * pad)) * 100).toFixed(2)}%`;
  const verdict = welch[0] > 0 ? 'better' : welch[1] < 0 ? 'worse' : 'unclear';
  return (
    <div className="interval" data-testid="interval-bar" data-verdict={verdict}>
      <div className="interval-track">
        <span className="interval-zero" style={{ left: pos(0) }} title="no difference" />
        <span className="interval-welch" style={{ left: pos(welch[0]), width: width(welch[0], welch[1]) }} title={`Welch ${Math.round(c.welch.confidence * 100)}%: ${num(welch[0])} to ${num(welch[1])}`} />
        {boot && <span className="interval-boot" style={{ left: pos(boot[0]), width: width(boot[0], boot[1]) }} title={`bootstrap: ${num(boot[0])} to ${num(boot[1])}`} />}
        <span className="interval-point" style={{ left: pos(c.improvement) }} title={`improvement ${num(c.improvement)}`} />
      </div>
      <div className="interval-axis">
        <span>← candidate worse</span>
        <span className="interval-zero-label" style={{ left: pos(0) }}>
          0
        </span>
        <span>candidate better →</span>
      </div>
    </div>
  );
}

/** Mean, sd and each seed's value per side; the difference with Welch's and the bootstrap interval; the reading; the warnings. */
export function LaunchStats({ c, metric }: { c: LaunchComparison; metric: string }) {
  const pct = Math.round((c.welch?.confidence ?? 0.95) * 100);
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
          <span className="stat-label">Welch {pct}% interval of the difference</span>
          <span className="stat-value mono" data-testid="welch-interval">
            {c.welch ? `[${num(c.welch.interval[0])}, ${num(c.welch.interval[1])}]` : '—'}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">bootstrap {pct}% interval</span>
          <span className="stat-value mono" data-testid="bootstrap-interval">
            {c.bootstrap ? `[${num(c.bootstrap.interval[0])}, ${num(c.bootstrap.interval[1])}]` : '—'}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">p (Welch, df {num(c.welch?.degreesOfFreedom)})</span>
          <span className="stat-value mono">{num(c.welch?.pValue)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">P(candidate better)</span>
          <span className="stat-value mono" data-testid="p-improvement">
            {c.probabilityOfImprovement === null ? '—' : `${(c.probabilityOfImprovement * 100).toFixed(1)}%`}
          </span>
        </div>
      </div>
      <p className="subtle small">Difference = candidate − incumbent. In the bar below, right of zero always means the candidate is better (thick: Welch, thin: bootstrap).</p>
      <IntervalBar c={c} />
      <p className="reading" data-testid="reading">
        {c.reading}
      </p>
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
