import { useEffect, useMemo, useState } from 'react';
import type { HyperRole, Hyperparameters, MethodOutput, Project } from '../../../preload/contract';
import { parseSearchSpace, parseSearchSpaceJson, type PlainRange, type SearchSpace } from '../../../preload/space';
import { api, ApiError } from '../api/client';
import { parseHyperValue } from '../lib/argvText';
import { formatInteger, formatValue } from '../lib/format';
import { useStore } from '../store';
import { PageHeader } from '../components/PageHeader';
import { ExecutorPicker, executorProblems } from '../components/ExecutorPicker';
import type { ExecutorInput } from '../../../preload/contract-executors';

type RangeType = PlainRange['type'];

interface Row {
  name: string;
  role: HyperRole;
  /** For a fixed hyperparameter: its value as typed. */
  value: string;
  type: RangeType;
  min: string;
  max: string;
  /** For discrete and categorical: the values, comma-separated. */
  values: string;
}

/** The playbook's rule of thumb for a first study: the learning rate is nuisance (searched on a log scale a decade each side), the rest fixed. */
function initialRows(project: Project): Row[] {
  return Object.entries(project.hyperparameters).map(([name, v]) => {
    const isLr = /^(lr|learning_rate)$/.test(name) && typeof v === 'number' && v > 0;
    return {
      name,
      role: isLr ? 'nuisance' : 'fixed',
      value: String(v),
      type: isLr ? 'log' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'linear') : 'categorical',
      min: isLr ? String(Number((v / 10).toPrecision(3))) : typeof v === 'number' ? String(v) : '',
      max: isLr ? String(Number((v * 10).toPrecision(3))) : typeof v === 'number' ? String(v) : '',
      values: String(v),
    };
  });
}

type StudyDraft = MethodOutput<'studies.draftNext'>;

/** A plain range as the form's row shows it; null where the form has no editor for it (the JSON editor does). */
function rowOfRange(name: string, role: HyperRole, r: SearchSpace[string]): Row | null {
  if (r.type === 'conditional' || (r.type === 'int' && r.log)) return null;
  const base = { name, role, value: '', type: r.type, min: '', max: '', values: '' };
  return r.type === 'discrete' || r.type === 'categorical' ? { ...base, values: r.values.map(String).join(', ') } : { ...base, min: String(r.min), max: String(r.max) };
}

/**
 * The designer's rows for a drafted study: the draft's searched hyperparameters with their ranges,
 * its fixed ones, and the project's other hyperparameters fixed at the project's values. `json`:
 * the space needs the JSON editor (a conditional range).
 */
function draftRows(project: Project, draft: StudyDraft): { rows: Row[]; json: boolean } {
  let json = false;
  const names = [...new Set([...Object.keys(draft.space), ...Object.keys(draft.fixed), ...Object.keys(project.hyperparameters)])];
  const rows = names.map((name): Row => {
    const range = draft.space[name];
    if (range) {
      const role = draft.roles[name] === 'scientific' ? 'scientific' : 'nuisance';
      const row = rowOfRange(name, role, range);
      if (row) return row;
      json = true;
      return { name, role, value: '', type: 'log', min: '', max: '', values: '' };
    }
    const v = name in draft.fixed ? draft.fixed[name] : project.hyperparameters[name];
    return { name, role: 'fixed', value: String(v), type: 'linear', min: '', max: '', values: String(v) };
  });
  return { rows, json };
}

function toRange(r: Row): PlainRange {
  const list = r.values
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  switch (r.type) {
    case 'log':
    case 'linear':
    case 'int':
      return { type: r.type, min: r.min.trim() === '' ? NaN : Number(r.min), max: r.max.trim() === '' ? NaN : Number(r.max) } as PlainRange;
    case 'discrete':
      return { type: 'discrete', values: list.map(Number) };
    case 'categorical':
      return { type: 'categorical', values: list.map((x) => parseHyperValue(x)) };
  }
}

const ROLE_HELP: Record<HyperRole, string> = {
  scientific: 'its effect is what the study measures',
  nuisance: 'optimized over, so the comparison is fair',
  fixed: 'held at one value: a caveat of the conclusion',
};

/** Designs a study: goal, a role for every hyperparameter, ranges, budget; previews the design; starts it. */
export function StudyDesigner({ project, fromStudy }: { project: Project; fromStudy?: number | undefined }) {
  const openStudy = useStore((s) => s.openStudy);
  const back = useStore((s) => s.back);
  const notify = useStore((s) => s.notify);
  const [name, setName] = useState('');
  const [goal, setGoal] = useState('');
  const [rows, setRows] = useState<Row[]>(() => initialRows(project));
  const [objectiveMetric, setObjectiveMetric] = useState(project.objectiveMetric ?? '');
  const [objectiveGoal, setObjectiveGoal] = useState(project.objectiveGoal);
  const [budget, setBudget] = useState('16');
  const [concurrency, setConcurrency] = useState('2');
  const [seed, setSeed] = useState('');
  const [executor, setExecutor] = useState<ExecutorInput>({ kind: 'local' });
  const [jsonMode, setJsonMode] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [preview, setPreview] = useState<{ seed: number; points: Hyperparameters[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState<StudyDraft | null>(null);

  // "Draft the next study": the engine drafts it from the study's analysis; every field stays editable.
  useEffect(() => {
    if (fromStudy === undefined) return;
    let live = true;
    api
      .invoke('studies.draftNext', { id: fromStudy })
      .then((d) => {
        if (!live) return;
        const { rows: drafted, json } = draftRows(project, d);
        setDraft(d);
        setName(d.name);
        setGoal(d.goal);
        setRows(drafted);
        setObjectiveMetric(d.objectiveMetric);
        setObjectiveGoal(d.objectiveGoal);
        setBudget(String(d.budget));
        setConcurrency(String(d.concurrency));
        setJsonMode(json);
        if (json) setJsonText(JSON.stringify(d.space, null, 2));
      })
      .catch((e: Error) => setError(`Could not draft the next study: ${e.message}`));
    return () => {
      live = false;
    };
  }, [fromStudy, project]);

  const searched = rows.filter((r) => r.role !== 'fixed' && r.name.trim());
  const formSpace: SearchSpace = useMemo(() => Object.fromEntries(searched.map((r) => [r.name.trim(), toRange(r)])), [searched]);
  const spaceResult = jsonMode ? parseSearchSpaceJson(jsonText) : parseSearchSpace(formSpace);

  function validate(): { errors: string[]; input: Parameters<typeof api.invoke<'studies.create'>>[1] | null } {
    const errors: string[] = [];
    if (!name.trim()) errors.push('Give the study a name.');
    if (!goal.trim()) errors.push('Write the goal: the one question this study answers.');
    if (!spaceResult.ok) errors.push(...spaceResult.errors);
    const b = Number(budget);
    if (!Number.isInteger(b) || b < 1) errors.push(`The trial budget must be a whole number of at least 1, got “${budget}”.`);
    const c = Number(concurrency);
    if (!Number.isInteger(c) || c < 1) errors.push(`Trials at once must be a whole number of at least 1, got “${concurrency}”.`);
    const sd = seed.trim() === '' ? undefined : Number(seed);
    if (sd !== undefined && !(Number.isInteger(sd) && sd >= 0 && sd <= 0xffffffff))
      errors.push('The seed is a whole number from 0 to 4294967295, or empty for a random one.');
    if (!objectiveMetric.trim()) errors.push('Choose the objective metric, e.g. val_error.');
    errors.push(...executorProblems(executor));
    const names = rows.map((r) => r.name.trim()).filter(Boolean);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) errors.push(`${dup} is listed twice.`);
    if (!rows.some((r) => r.role === 'scientific') && spaceResult.ok) {
      // Allowed (a pure tuning round), but worth saying: the playbook's studies compare scientific values.
    }
    if (errors.length || !spaceResult.ok) return { errors, input: null };
    const space = spaceResult.space;
    const roles: Record<string, HyperRole> = {};
    const fixed: Hyperparameters = {};
    for (const r of rows) {
      const n = r.name.trim();
      if (!n) continue;
      if (r.role === 'fixed') {
        if (n in space) continue;
        fixed[n] = parseHyperValue(r.value);
      }
      roles[n] = r.role;
    }
    for (const n of Object.keys(space)) roles[n] ??= 'nuisance';
    return {
      errors,
      input: {
        projectId: project.id,
        name: name.trim(),
        goal: goal.trim(),
        space,
        roles,
        fixed,
        objectiveMetric: objectiveMetric.trim(),
        objectiveGoal,
        budget: b,
        concurrency: c,
        executor,
        ...(sd !== undefined ? { seed: sd } : {}),
      },
    };
  }

  const update = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function showPreview() {
    const { input, errors } = validate();
    if (!input) return setError(errors.join('\n'));
    setError(null);
    const scientific = Object.entries(input.roles)
      .filter(([, r]) => r === 'scientific')
      .map(([k]) => k);
    setPreview(await api.invoke('studies.preview', { space: input.space, n: Math.min(input.budget, 50), seed: input.seed, scientific }));
  }

  async function create() {
    const { input, errors } = validate();
    if (!input) return setError(errors.join('\n'));
    setError(null);
    setBusy(true);
    try {
      const s = await api.invoke('studies.create', preview && input.seed === undefined ? { ...input, seed: preview.seed } : input);
      notify('info', `Study “${s.name}” started: ${formatInteger(s.budget)} trials queued.`);
      openStudy(s.id);
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  }

  // Scientific hyperparameters first, as the design gives them the first (most even) dimensions.
  const previewKeys = preview
    ? [...new Set(preview.points.flatMap((p) => Object.keys(p)))].sort(
        (a, b) =>
          Number(rows.find((r) => r.name === b)?.role === 'scientific') - Number(rows.find((r) => r.name === a)?.role === 'scientific') || a.localeCompare(b),
      )
    : [];

  return (
    <div className="page">
      <PageHeader
        back={{ label: '← Studies', onClick: back }}
        title={fromStudy !== undefined ? 'Next study' : 'New study'}
        subtitle={
          fromStudy !== undefined
            ? 'Drafted from the previous study’s analysis: check every change below, edit anything, then start it.'
            : 'One round of the playbook: a scoped goal, a role for every hyperparameter, a quasi-random search over the nuisance ones.'
        }
        actions={
          <>
            <button className="btn" onClick={() => void showPreview()}>
              Preview design
            </button>
            <button className="btn primary" onClick={() => void create()} disabled={busy} data-testid="create-study">
              {busy ? 'Starting…' : '▶ Start study'}
            </button>
          </>
        }
      />

      {error && (
        <div className="banner error" role="alert" data-testid="study-error" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </div>
      )}

      {draft && (
        <section className="card" data-testid="draft-changes">
          <h2>What changed from the previous study</h2>
          {draft.changes.length === 0 ? (
            <p className="subtle">
              Nothing to change: no best trial sat on the edge of a range, and no nuisance hyperparameter was found insensitive. The design is the same; a new seed draws new points.
            </p>
          ) : (
            <ul className="draft-changes">
              {draft.changes.map((c) => (
                <li key={`${c.kind}-${c.hyperparameter}`} data-change={c.kind} data-hyperparameter={c.hyperparameter}>
                  <span className={`badge draft-${c.kind}`}>{c.kind}</span> {c.text}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <section className="card">
        <h2>Goal</h2>
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Nesterov vs Adam" data-field="study-name" />
        </label>
        <label className="field">
          <span className="field-label">The question this study answers</span>
          <textarea
            rows={2}
            value={goal}
            onChange={(e) => setGoal(e.target.value)}
            placeholder="Does Adam beat Nesterov momentum at this step budget?"
            data-field="study-goal"
          />
        </label>
      </section>

      <section className="card">
        <h2>Hyperparameters</h2>
        <div className="hint-box">
          Rules of thumb from the playbook: the optimizer’s hyperparameters (learning rate, momentum) are usually <b>nuisance</b>; the choice of optimizer is{' '}
          <b>scientific</b> or fixed; a regularizer’s on/off is scientific and its strength nuisance. Every fixed value is a caveat of the conclusion.
        </div>
        <table className="table roles">
          <thead>
            <tr>
              <th style={{ width: '18%' }}>Hyperparameter</th>
              <th style={{ width: '16%' }}>Role</th>
              <th>Value or range</th>
              <th style={{ width: 40 }} />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-row={r.name}>
                <td>
                  <input className="mono" value={r.name} onChange={(e) => update(i, { name: e.target.value })} aria-label="hyperparameter name" />
                </td>
                <td>
                  <select value={r.role} onChange={(e) => update(i, { role: e.target.value as HyperRole })} data-role={r.name} title={ROLE_HELP[r.role]}>
                    <option value="scientific">scientific</option>
                    <option value="nuisance">nuisance</option>
                    <option value="fixed">fixed</option>
                  </select>
                  {r.role !== 'fixed' && <div className="field-hint">{ROLE_HELP[r.role]}</div>}
                </td>
                <td>
                  {r.role === 'fixed' ? (
                    <input
                      className="mono fixed-value"
                      value={r.value}
                      onChange={(e) => update(i, { value: e.target.value })}
                      aria-label={`value of ${r.name}`}
                    />
                  ) : jsonMode ? (
                    <span className="subtle">range in the JSON below</span>
                  ) : (
                    <div className="range-editor">
                      <select value={r.type} onChange={(e) => update(i, { type: e.target.value as RangeType })} data-range-type={r.name}>
                        <option value="log">log</option>
                        <option value="linear">linear</option>
                        <option value="int">integer</option>
                        <option value="discrete">numbers</option>
                        <option value="categorical">choices</option>
                      </select>
                      {r.type === 'discrete' || r.type === 'categorical' ? (
                        <input
                          className="mono wide"
                          value={r.values}
                          onChange={(e) => update(i, { values: e.target.value })}
                          placeholder="adam, nesterov"
                          data-range-values={r.name}
                        />
                      ) : (
                        <>
                          <input
                            className="mono"
                            value={r.min}
                            onChange={(e) => update(i, { min: e.target.value })}
                            placeholder="min"
                            data-range-min={r.name}
                          />
                          <span className="subtle">to</span>
                          <input
                            className="mono"
                            value={r.max}
                            onChange={(e) => update(i, { max: e.target.value })}
                            placeholder="max"
                            data-range-max={r.name}
                          />
                        </>
                      )}
                    </div>
                  )}
                </td>
                <td>
                  <button className="btn icon" title={`Remove ${r.name}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row" style={{ marginTop: 8 }}>
          <button className="btn" onClick={() => setRows([...rows, { name: '', role: 'nuisance', value: '', type: 'log', min: '', max: '', values: '' }])}>
            + Add hyperparameter
          </button>
          <label className="row" style={{ alignItems: 'center', gap: 6 }}>
            <input
              type="checkbox"
              style={{ width: 'auto' }}
              checked={jsonMode}
              onChange={(e) => {
                if (e.target.checked) setJsonText(JSON.stringify(formSpace, null, 2));
                setJsonMode(e.target.checked);
              }}
            />
            <span>Edit the search space as JSON (conditional ranges, e.g. a learning rate per optimizer)</span>
          </label>
        </div>
        {jsonMode && <textarea className="mono" rows={10} value={jsonText} onChange={(e) => setJsonText(e.target.value)} data-field="space-json" />}
        {!spaceResult.ok && (
          <ul className="field-error">
            {spaceResult.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
      </section>

      <section className="card">
        <h2>Objective and budget</h2>
        <div className="row">
          <label className="field">
            <span className="field-label">Objective metric</span>
            <input className="mono" value={objectiveMetric} onChange={(e) => setObjectiveMetric(e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Goal</span>
            <select value={objectiveGoal} onChange={(e) => setObjectiveGoal(e.target.value as Project['objectiveGoal'])}>
              <option value="minimize">lower is better</option>
              <option value="maximize">higher is better</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">Trial budget</span>
            <input className="mono" value={budget} onChange={(e) => setBudget(e.target.value)} data-field="budget" />
          </label>
          <label className="field">
            <span className="field-label">Trials at once</span>
            <input className="mono" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} data-field="concurrency" />
          </label>
          {/* A label as short as its neighbours' (a two-line one set this field lower than the others); the rest in the placeholder and title. */}
          <label className="field" title="The design's seed. Left empty, a random one is drawn and stored with the study, so its design can be made again.">
            <span className="field-label">Design seed</span>
            <input className="mono" value={seed} onChange={(e) => setSeed(e.target.value)} placeholder="random, stored" data-field="seed" />
          </label>
        </div>
      </section>

      <section className="card" data-testid="study-executor">
        <h2>Where trials run</h2>
        <ExecutorPicker value={executor} onChange={setExecutor} />
      </section>

      {preview && (
        <section className="card">
          <h2>Design preview (seed {preview.seed})</h2>
          <table className="table" data-testid="design-preview">
            <thead>
              <tr>
                <th style={{ width: 48 }}>#</th>
                {previewKeys.map((k) => (
                  <th key={k}>{k}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.points.map((p, i) => (
                <tr key={i}>
                  <td className="num">{i + 1}</td>
                  {previewKeys.map((k) => (
                    // Written as the trials' names and table will write them (0.00324, not 0.0032381094); the drawn value on hover.
                    <td key={k} className="mono" title={p[k] === undefined ? undefined : String(p[k])}>
                      {formatValue(p[k])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
