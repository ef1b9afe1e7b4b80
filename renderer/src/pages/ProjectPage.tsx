import { useCallback, useEffect, useMemo, useState } from 'react';
import { paramStyles, type InterpreterCandidate, type Project, type ProjectPatch } from '../../../preload/contract';
import { absolutePathProblem, controlCharacterProblem } from '../../../preload/schemas';
import { api, ApiError } from '../api/client';
import { joinArgv, parseHyperValue, splitArgv } from '../lib/argvText';
import { useStore } from '../store';
import { TrialTable } from '../components/TrialTable';
import { ParsePreview } from '../components/ParsePreview';
import { FirstRunReview } from '../projects/MetricReview';
import { ExecutorPicker, executorProblems } from '../components/ExecutorPicker';
import type { ExecutorInput } from '../../../preload/contract-executors';

interface Draft {
  name: string;
  workdir: string;
  interpreter: string;
  command: string;
  paramStyle: Project['paramStyle'];
  objectiveMetric: string;
  objectiveGoal: Project['objectiveGoal'];
  /** How the script takes its seed (`--seed`, `seed=`); empty: it has none. */
  seedFlag: string;
  hparams: { name: string; value: string }[];
}

const STYLE_LABELS: Record<Project['paramStyle'], string> = {
  flags: 'Flags: --lr=0.1 (argparse, absl, click)',
  hydra: 'Overrides: lr=0.1 (Hydra)',
  placeholders: 'Placeholders in the command: --lr {lr}',
  jsonfile: 'JSON file, path in $TUNEBENCH_HPARAMS',
};

function toDraft(p: Project): Draft {
  return {
    name: p.name,
    workdir: p.workdir,
    interpreter: p.interpreter,
    command: joinArgv(p.argvTemplate),
    paramStyle: p.paramStyle,
    objectiveMetric: p.objectiveMetric ?? '',
    objectiveGoal: p.objectiveGoal,
    seedFlag: p.seedFlag ?? '',
    hparams: Object.entries(p.hyperparameters).map(([name, v]) => ({ name, value: String(v) })),
  };
}

/** Checks the draft where it is typed; returns field -> message, or the patch to save. */
function validate(d: Draft): { errors: Record<string, string>; patch: ProjectPatch | null } {
  const errors: Record<string, string> = {};
  if (!d.name.trim()) errors.name = 'A project needs a name.';
  if (!d.workdir.trim()) errors.workdir = 'Choose the folder the script runs in.';
  else if (absolutePathProblem(d.workdir)) errors.workdir = `${absolutePathProblem(d.workdir)}.`;
  else if (controlCharacterProblem(d.workdir)) errors.workdir = `The folder ${controlCharacterProblem(d.workdir)}.`;
  if (controlCharacterProblem(d.interpreter)) errors.interpreter = `The interpreter ${controlCharacterProblem(d.interpreter)}.`;
  if (!d.interpreter.trim()) errors.interpreter = 'Choose a Python interpreter, e.g. /usr/bin/python3 or a venv’s bin/python.';
  const { argv, error } = splitArgv(d.command);
  if (error) errors.command = `The command cannot be read: ${error}.`;
  else if (argv.length === 0) errors.command = 'Give the script to run, e.g. train.py.';
  const hyperparameters: Record<string, string | number | boolean> = {};
  d.hparams.forEach((h, i) => {
    const name = h.name.trim();
    if (!name && !h.value.trim()) return;
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) errors[`hparam.${i}`] = `“${name || '(empty)'}” is not a valid name: use letters, digits, _ . - (e.g. lr).`;
    else if (name in hyperparameters) errors[`hparam.${i}`] = `${name} is set twice.`;
    else if (h.value.trim() === '') errors[`hparam.${i}`] = `Give ${name} a value, or remove the row.`;
    else if (controlCharacterProblem(h.value)) errors[`hparam.${i}`] = `The value of ${name} ${controlCharacterProblem(h.value)}.`;
    else hyperparameters[name] = parseHyperValue(h.value);
  });
  const lr = hyperparameters.lr ?? hyperparameters.learning_rate;
  if (typeof lr === 'number' && !(lr > 0)) errors.lr = 'The learning rate must be a positive number, e.g. 0.001.';
  const bs = hyperparameters.batch_size;
  if (bs !== undefined && !(typeof bs === 'number' && Number.isInteger(bs) && bs > 0)) errors.batch_size = 'The batch size must be a positive whole number, e.g. 128.';
  const seed = d.seedFlag.trim();
  if (seed && !/^(--?[A-Za-z_][\w.-]*|[A-Za-z_][\w.-]*=)$/.test(seed)) errors.seedFlag = 'Write the flag as it comes before the value: --seed, --random-seed, or seed= for a Hydra override; leave it empty if the script has none.';
  if (Object.keys(errors).length > 0) return { errors, patch: null };
  return {
    errors,
    patch: {
      name: d.name.trim(),
      workdir: d.workdir.trim(),
      interpreter: d.interpreter.trim(),
      argvTemplate: argv,
      paramStyle: d.paramStyle,
      hyperparameters,
      objectiveMetric: d.objectiveMetric.trim() || null,
      objectiveGoal: d.objectiveGoal,
      seedFlag: seed || null,
    },
  };
}

/** The engine's field issues on the form: `patch.workdir` under its field, `hyperparameters.lr` under that row. */
function issueFields(issues: { path: string; message: string }[], d: Draft): Record<string, string> {
  return Object.fromEntries(
    issues.map((i) => {
      const path = i.path.replace(/^patch\./, '');
      const m = /^hyperparameters\.(.+)$/.exec(path);
      const row = m ? d.hparams.findIndex((h) => h.name.trim() === m[1]) : -1;
      return [row >= 0 ? `hparam.${row}` : path, i.message];
    }),
  );
}

function Field({ label, error, hint, children }: { label: string; error?: string | undefined; hint?: string; children: React.ReactNode }) {
  return (
    <label className={`field${error ? ' has-error' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {error ? <span className="field-error" role="alert">{error}</span> : hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}

/** Where this project's Run sends its trial, remembered per project in this browser. */
function useRunOn(projectId: number): [ExecutorInput, (v: ExecutorInput) => void] {
  const key = `tunebench.runOn.${projectId}`;
  const read = (): ExecutorInput => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? 'null') as ExecutorInput | null;
      return v && typeof v === 'object' && typeof v.kind === 'string' ? v : { kind: 'local' };
    } catch {
      return { kind: 'local' };
    }
  };
  const [value, setValue] = useState<ExecutorInput>(read);
  useEffect(() => setValue(read()), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return [
    value,
    (v) => {
      setValue(v);
      try {
        localStorage.setItem(key, JSON.stringify(v));
      } catch {
        // private mode: the choice lasts this page
      }
    },
  ];
}

/** A project: its command and hyperparameters, the Run button, and its trials. */
export function ProjectPage({ project }: { project: Project }) {
  const saveProject = useStore((s) => s.saveProject);
  const startTrial = useStore((s) => s.startTrial);
  const loadTrials = useStore((s) => s.loadTrials);
  const notify = useStore((s) => s.notify);
  const openTrial = useStore((s) => s.openTrial);
  const trials = useStore((s) => s.trials[project.id]);
  const [draft, setDraft] = useState<Draft>(() => toDraft(project));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [candidates, setCandidates] = useState<InterpreterCandidate[] | null>(null);
  const [runOn, setRunOn] = useRunOn(project.id);

  useEffect(() => {
    setDraft(toDraft(project));
    setErrors({});
  }, [project]);
  useEffect(() => {
    void loadTrials(project.id);
  }, [project.id, loadTrials]);

  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(toDraft(project)), [draft, project]);
  const preview = useMemo(() => splitArgv(draft.command).argv, [draft.command]);
  const chosen = candidates?.find((c) => c.path === draft.interpreter.trim());

  const save = useCallback(async (): Promise<boolean> => {
    const { errors: errs, patch } = validate(draft);
    setErrors(errs);
    if (!patch) return false;
    if (!dirty) return true;
    try {
      await saveProject(project.id, patch);
      return true;
    } catch (e) {
      const err = e as ApiError;
      setErrors(issueFields(err.issues ?? [], draft));
      notify('error', err.message);
      return false;
    }
  }, [draft, dirty, project.id, saveProject, notify]);

  const run = useCallback(async () => {
    if (busy) return;
    const { errors: errs, patch } = validate(draft);
    setErrors(errs);
    if (!patch) return;
    const runOnProblems = executorProblems(runOn);
    if (runOnProblems.length > 0) return notify('error', runOnProblems.join(' '));
    setBusy(true);
    try {
      // Run uses the values shown and leaves the project's own values as they are (Save is
      // the explicit way to change them); an edited command, folder or interpreter is part of
      // what runs, so those are saved first.
      const { hyperparameters, ...setup } = patch;
      const setupChanged = JSON.stringify({ ...toDraft(project), hparams: [] }) !== JSON.stringify({ ...draft, hparams: [] });
      if (setupChanged) await saveProject(project.id, setup);
      const t = await startTrial(project.id, hyperparameters, runOn);
      if (t.status === 'failed') notify('error', `Trial #${t.id} could not start: ${t.failureReason ?? 'unknown reason'}`);
      else openTrial(t.id);
    } catch (e) {
      const err = e as ApiError;
      if (err.issues) setErrors(issueFields(err.issues, draft));
      notify('error', err.message);
    } finally {
      setBusy(false);
    }
  }, [busy, draft, project, saveProject, startTrial, notify, openTrial, runOn]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void run();
      } else if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        void save().then((ok) => ok && notify('info', 'Saved.'));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run, save, notify]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setHparam = (i: number, key: 'name' | 'value', v: string) =>
    setDraft((d) => ({ ...d, hparams: d.hparams.map((h, j) => (j === i ? { ...h, [key]: v } : h)) }));

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{project.name}</h1>
          <p className="subtle">Run the training command with the values shown; every metric it prints is kept. Save makes them the project’s values.</p>
        </div>
        <div className="actions">
          {dirty && (
            <button className="btn" onClick={() => setDraft(toDraft(project))} title="Discard unsaved edits">
              Revert
            </button>
          )}
          <button className="btn" onClick={() => void save().then((ok) => ok && notify('info', 'Saved.'))} disabled={!dirty} title="Save (Ctrl+S)">
            Save
          </button>
          <button className="btn primary" onClick={() => void run()} disabled={busy} data-testid="run" title="Run a trial with the values shown, without changing the project's values (Ctrl+Enter)">
            {busy ? 'Starting…' : '▶ Run'}
          </button>
        </div>
      </header>

      <section className="card" data-testid="run-on">
        <h2>Where the Run button runs trials</h2>
        <ExecutorPicker value={runOn} onChange={setRunOn} compact />
      </section>

      <div className="grid-2">
        <section className="card">
          <h2>Command</h2>
          <Field label="Name" error={errors.name}>
            <input value={draft.name} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <Field label="Working directory" error={errors.workdir} hint="The script runs in this folder.">
            <input className="mono" value={draft.workdir} onChange={(e) => set('workdir', e.target.value)} />
          </Field>
          <Field
            label="Interpreter"
            error={errors.interpreter}
            hint={chosen ? `Python ${chosen.version} · PyTorch ${chosen.hasTorch ? 'yes' : 'missing'} · scikit-learn ${chosen.hasSklearn ? 'yes' : 'missing'}` : 'A venv’s or conda env’s python, or the system Python.'}
          >
            <div className="row">
              <input className="mono grow" value={draft.interpreter} onChange={(e) => set('interpreter', e.target.value)} list="interpreters" />
              <button className="btn" type="button" onClick={() => void api.invoke('interpreters.detect', { projectId: project.id }).then(setCandidates)}>
                Detect
              </button>
            </div>
            <datalist id="interpreters">
              {candidates?.map((c) => (
                <option key={c.path} value={c.path}>
                  {`Python ${c.version}${c.hasTorch ? ' · torch' : ''}${c.hasSklearn ? ' · sklearn' : ''}`}
                </option>
              ))}
            </datalist>
            {candidates && candidates.length > 0 && (
              <ul className="candidates">
                {candidates.map((c) => (
                  <li key={c.path}>
                    <button type="button" className="link" onClick={() => set('interpreter', c.path)}>
                      <span className="mono">{c.path}</span>
                    </button>{' '}
                    <span className="subtle">
                      Python {c.version} · {c.hasTorch ? 'PyTorch ✓' : 'no PyTorch'} · {c.hasSklearn ? 'scikit-learn ✓' : 'no scikit-learn'}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {candidates && candidates.length === 0 && <span className="field-error">No Python interpreter was found on this machine.</span>}
          </Field>
          <Field label="Command (after the interpreter)" error={errors.command}>
            <input className="mono" value={draft.command} onChange={(e) => set('command', e.target.value)} placeholder="train.py --config base.yaml" />
          </Field>
          <Field label="Hyperparameters are passed as">
            <select value={draft.paramStyle} onChange={(e) => set('paramStyle', e.target.value as Project['paramStyle'])}>
              {paramStyles.map((s) => (
                <option key={s} value={s}>
                  {STYLE_LABELS[s]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Seed flag" error={errors.seedFlag} hint={draft.seedFlag.trim() ? 'How the script takes its seed; seed reruns set it.' : 'None: the script takes no seed flag, so seed reruns repeat the same configuration.'}>
            <input className="mono" value={draft.seedFlag} onChange={(e) => set('seedFlag', e.target.value)} placeholder="none (e.g. --seed or seed=)" aria-label="seed flag" />
          </Field>
          <div className="row">
            <Field label="Objective metric" hint="The metric a study optimizes, e.g. val_error.">
              <input className="mono" value={draft.objectiveMetric} onChange={(e) => set('objectiveMetric', e.target.value)} />
            </Field>
            <Field label="Goal">
              <select value={draft.objectiveGoal} onChange={(e) => set('objectiveGoal', e.target.value as Project['objectiveGoal'])}>
                <option value="minimize">lower is better</option>
                <option value="maximize">higher is better</option>
              </select>
            </Field>
          </div>
        </section>

        <section className="card">
          <h2>Hyperparameters</h2>
          <table className="table hparams">
            <tbody>
              {draft.hparams.map((h, i) => {
                const err = errors[`hparam.${i}`] ?? (h.name === 'lr' || h.name === 'learning_rate' ? errors.lr : h.name === 'batch_size' ? errors.batch_size : undefined);
                return (
                  <tr key={i} className={err ? 'has-error' : ''}>
                    <td>
                      <input className="mono" aria-label="name" value={h.name} onChange={(e) => setHparam(i, 'name', e.target.value)} placeholder="name" />
                    </td>
                    <td>
                      <input className="mono" aria-label={`value of ${h.name}`} data-hparam={h.name} value={h.value} onChange={(e) => setHparam(i, 'value', e.target.value)} placeholder="value" />
                      {err && <div className="field-error" role="alert">{err}</div>}
                    </td>
                    <td>
                      <button className="btn icon" title={`Remove ${h.name}`} onClick={() => set('hparams', draft.hparams.filter((_, j) => j !== i))}>
                        ×
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button className="btn" onClick={() => set('hparams', [...draft.hparams, { name: '', value: '' }])}>
            + Add hyperparameter
          </button>
          <h3>Exact command</h3>
          <p className="argv" data-testid="argv-preview">
            {[draft.interpreter, ...preview].map((a, i) => (
              <code key={`c${i}`}>{a}</code>
            ))}
            {validate(draft).patch &&
              draft.paramStyle !== 'placeholders' &&
              draft.paramStyle !== 'jsonfile' &&
              draft.hparams
                .filter((h) => h.name.trim())
                .map((h) => <code key={`h${h.name}`}>{draft.paramStyle === 'flags' ? `--${h.name.trim()}=${h.value.trim()}` : `${h.name.trim()}=${h.value.trim()}`}</code>)}
          </p>
          <p className="subtle">Each box is one argument; values never pass through a shell.</p>
        </section>
      </div>

      <FirstRunReview project={project} />

      <ParsePreview project={project} />

      <section className="card">
        <h2>Trials</h2>
        {trials ? <TrialTable trials={trials} projectId={project.id} current={project.hyperparameters} /> : <p className="empty">Loading…</p>}
      </section>
    </div>
  );
}
