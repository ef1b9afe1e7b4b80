import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { paramStyles, type InterpreterCandidate, type Project } from '../../../preload/contract';
import type { ScriptFlag, ScriptHelp, ScriptInspection } from '../../../preload/contract-projects';
import { absolutePathProblem } from '../../../preload/schemas';
import { api, ApiError } from '../api/client';
import { joinArgv, parseHyperValue, splitArgv } from '../lib/argvText';
import { useStore } from '../store';
import { PageHeader } from '../components/PageHeader';
import { createProject } from './actions';
import './projects.css';

/** A proposed or typed hyperparameter: kept ones become the project's values. */
interface Row {
  name: string;
  value: string;
  keep: boolean;
  /** From the script's help (or its source); null for a row the user added. */
  flag: ScriptFlag | null;
}

/** Names that are what a study tunes: checked by default; the rest of the help's flags are listed unchecked. */
const TUNABLE = /(^|[._-])(lr|learning[_-]?rate|batch[_-]?size|optim(izer)?|momentum|beta\d?|eps(ilon)?|weight[_-]?decay|dropout|warmup\w*|max[_-]?(steps|iters?)|steps|iters|epochs?|num[_-]?(steps|epochs|iters)|width|depth|layers?|n[_-]?(embd|layer|head)|hidden\w*|dim|schedule|lr[_-]?schedule|clip\w*|grad[_-]?clip|label[_-]?smoothing)$/i;

const STYLE_LABELS: Record<Project['paramStyle'], string> = {
  flags: 'Flags: --lr=0.1',
  hydra: 'Hydra overrides: lr=0.1',
  placeholders: 'Placeholders: --lr {lr}',
  jsonfile: 'A JSON file ($TUNEBENCH_HPARAMS)',
};

function isSeed(name: string, seedFlag: string | null): boolean {
  return seedFlag !== null && (seedFlag === `--${name}` || seedFlag === `${name}=`);
}

/** Rows from what --help (or the script's source) lists; tunable ones with a default are kept. */
function proposedRows(help: ScriptHelp | null, inspection: ScriptInspection): Row[] {
  if (help && help.flags.length > 0) {
    return help.flags.map((f) => ({
      name: f.name,
      value: f.default === null ? '' : String(f.default),
      keep: !f.switch && f.default !== null && f.type !== 'path' && !isSeed(f.name, help.seedFlag) && TUNABLE.test(f.name),
      flag: f,
    }));
  }
  return inspection.moduleSettings.map((s) => ({
    name: s.name,
    // As written in the file (0.0 stays 0.0, True stays Python's True): what the configurator reads back.
    value: s.text,
    keep: TUNABLE.test(s.name),
    flag: {
      name: s.name,
      type: typeof s.value === 'number' ? (/[.eE]/.test(s.text) ? 'float' : 'int') : typeof s.value === 'boolean' ? 'bool' : 'string',
      default: s.value,
      choices: null,
      help: s.comment,
      required: false,
      switch: false,
    },
  }));
}

/** The command that runs `script` from `workdir`: its path relative to the folder where it lies inside it. */
function commandFor(script: string, workdir: string): string {
  const dir = workdir.replace(/\/+$/, '');
  return joinArgv([script.startsWith(`${dir}/`) ? script.slice(dir.length + 1) : script]);
}

function frameworks(c: InterpreterCandidate): string[] {
  return [c.hasTorch && 'PyTorch', c.hasJax && 'JAX', c.hasTensorflow && 'TensorFlow'].filter((x): x is string => !!x);
}

const SOURCE_LABEL: Record<InterpreterCandidate['source'], string> = { nearby: 'beside the script', active: 'active env', conda: 'conda', path: 'on PATH' };

/**
 * "New project": the training script first, then everything detected from it proposed and
 * editable: the folder, the interpreter (an environment beside the script first), the flags
 * its `--help` lists, the seed flag. Nothing is saved until Create.
 */
export function NewProjectPage() {
  const notify = useStore((s) => s.notify);
  const back = useStore((s) => s.back);
  const [mode, setMode] = useState<'desktop' | 'browser' | null>(null);
  const [path, setPath] = useState('');
  const [pathError, setPathError] = useState<string | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const [inspection, setInspection] = useState<ScriptInspection | null>(null);
  const [name, setName] = useState('');
  const [workdir, setWorkdir] = useState('');
  const [command, setCommand] = useState('');
  const [interpreter, setInterpreter] = useState('');
  const [paramStyle, setParamStyle] = useState<Project['paramStyle']>('flags');
  const [seedFlag, setSeedFlag] = useState('');
  const [help, setHelp] = useState<ScriptHelp | null>(null);
  const [reading, setReading] = useState(false);
  const [rows, setRows] = useState<Row[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const helpFor = useRef('');

  useEffect(() => {
    void api.invoke('workspace.info', {}).then((i) => setMode(i.mode));
  }, []);

  const inspect = useCallback(
    async (p = path) => {
      const problem = absolutePathProblem(p) ?? (p.trim() ? null : 'Give the path of the training script, e.g. /home/you/project/train.py.');
      setPathError(problem);
      if (problem) return;
      setInspecting(true);
      try {
        const r = await api.invoke('scripts.inspect', { path: p.trim() });
        setInspection(r);
        setName(r.name);
        setWorkdir(r.folder);
        setCommand(joinArgv(r.argvTemplate));
        setInterpreter(r.interpreter ?? '');
        setHelp(null);
        setRows(proposedRows(null, r));
        setSeedFlag('');
        setErrors({});
        helpFor.current = '';
      } catch (e) {
        setInspection(null);
        setPathError((e as Error).message);
      } finally {
        setInspecting(false);
      }
    },
    [path],
  );

  // --help is read again whenever the interpreter changes: another Python may have other packages.
  useEffect(() => {
    if (!inspection || !interpreter.trim()) return;
    const key = `${inspection.script}\0${interpreter.trim()}`;
    if (helpFor.current === key) return;
    const timer = setTimeout(() => {
      helpFor.current = key;
      setReading(true);
      api
        .invoke('scripts.help', { script: inspection.script, interpreter: interpreter.trim(), workdir: inspection.folder })
        .then((h) => {
          if (helpFor.current !== key) return;
          setHelp(h);
          setRows((old) => [...proposedRows(h, inspection), ...old.filter((r) => r.flag === null)]);
          setSeedFlag(h.seedFlag ?? '');
          setParamStyle(h.paramStyle);
        })
        .catch((e: Error) => notify('error', e.message))
        .finally(() => setReading(false));
    }, 300);
    return () => clearTimeout(timer);
  }, [inspection, interpreter, notify]);

  const pick = async () => {
    try {
      const r = await api.invoke('scripts.pick', {});
      if (r.path) {
        setPath(r.path);
        void inspect(r.path);
      }
    } catch (e) {
      notify('error', (e as Error).message);
    }
  };

  const setWorkdirAndCommand = (w: string) => {
    // The command follows the folder while it is still the proposed one.
    if (inspection && command === commandFor(inspection.script, workdir)) setCommand(commandFor(inspection.script, w));
    setWorkdir(w);
  };

  const setRow = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const kept = rows.filter((r) => r.keep);
  const argvPreview = useMemo(() => splitArgv(command).argv, [command]);

  const create = async () => {
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'A project needs a name.';
    const wd = absolutePathProblem(workdir) ?? (workdir.trim() ? null : 'Choose the folder the script runs in');
    if (wd) errs.workdir = `${wd}.`;
    if (!interpreter.trim()) errs.interpreter = 'Choose a Python interpreter, or type the path of one.';
    const { argv, error } = splitArgv(command);
    if (error) errs.command = `The command cannot be read: ${error}.`;
    else if (argv.length === 0) errs.command = 'Give the script to run, e.g. train.py.';
    const seed = seedFlag.trim();
    if (seed && !/^(--?[A-Za-z_][\w.-]*|[A-Za-z_][\w.-]*=)$/.test(seed)) errs.seedFlag = 'Write the flag as it comes before the value: --seed, --random-seed, or seed= for a Hydra override; leave it empty if the script has none.';
    const hyperparameters: Record<string, string | number | boolean> = {};
    rows.forEach((r, i) => {
      if (!r.keep) return;
      const n = r.name.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(n)) errs[`row.${i}`] = `“${n || '(empty)'}” is not a valid name: use letters, digits, _ . - (e.g. lr).`;
      else if (n in hyperparameters) errs[`row.${i}`] = `${n} is set twice.`;
      else if (r.value.trim() === '') errs[`row.${i}`] = `Give ${n} a value, or leave it unchecked.`;
      else {
        const typed = parseHyperValue(r.value);
        // A float written 0.0 would reach the script as 0 (a number has no decimal point to keep),
        // and a configurator that checks types (nanoGPT's, examples/charlm) refuses an int where its
        // default is a float: the text is kept as written.
        const keepText = r.flag?.type === 'float' && typeof typed === 'number' && Number.isInteger(typed) && /[.eE]/.test(r.value.trim());
        hyperparameters[n] = keepText ? r.value.trim() : typed;
      }
    });
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setSaving(true);
    try {
      const p = await createProject({
        name: name.trim(),
        workdir: workdir.trim(),
        interpreter: interpreter.trim(),
        argvTemplate: argv,
        paramStyle,
        hyperparameters,
        seedFlag: seed || null,
      });
      notify('info', `Created ${p.name}. Run it once: the first run shows every metric it prints.`);
    } catch (e) {
      const err = e as ApiError;
      setErrors(Object.fromEntries((err.issues ?? []).map((i) => [i.path, i.message])));
      notify('error', err.message);
    } finally {
      setSaving(false);
    }
  };

  const chosen = inspection?.interpreters.find((c) => c.path === interpreter.trim());
  return (
    <div className="page new-project">
      <PageHeader
        back={{ label: '← Back', onClick: back }}
        title="New project"
        subtitle="Start from your training script: Tunebench proposes its folder, interpreter and flags, and every proposal can be changed before you create the project."
        actions={
          inspection && (
            <>
              <button className="btn" onClick={back}>
                Cancel
              </button>
              <button className="btn primary" onClick={() => void create()} disabled={saving} data-testid="create-project">
                {saving ? 'Creating…' : 'Create project'}
              </button>
            </>
          )
        }
      />

      <section className="card">
        <h2>Training script</h2>
        <label className={`field${pathError ? ' has-error' : ''}`}>
          <span className="field-label">Path of the script</span>
          <div className="row">
            <input
              className="mono grow"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && void inspect()}
              placeholder="/home/you/project/train.py"
              aria-label="script path"
              autoFocus
            />
            {mode === 'desktop' && (
              <button className="btn" type="button" onClick={() => void pick()}>
                Choose…
              </button>
            )}
            <button className={`btn${inspection ? '' : ' primary'}`} type="button" onClick={() => void inspect()} disabled={inspecting} data-testid="inspect-script">
              {inspecting ? 'Looking…' : inspection ? 'Look again' : 'Look at it'}
            </button>
          </div>
          {pathError ? (
            <span className="field-error" role="alert">
              {pathError}
            </span>
          ) : (
            <span className="field-hint">{mode === 'browser' ? 'Type or paste the absolute path (browser mode cannot open a file dialog on the workbench’s machine).' : 'The absolute path, typed, pasted or chosen.'}</span>
          )}
        </label>
        {!inspection && (
          <p className="subtle small">
            From it Tunebench proposes the working directory (the script’s folder), the Python to run it with (a <span className="mono">.venv</span>, <span className="mono">venv</span> or conda env beside it
            first), the hyperparameters its <span className="mono">--help</span> lists, and the flag that sets its seed. Of the script itself only <span className="mono">--help</span> runs until you press Run.
          </p>
        )}
      </section>

      {inspection && (
        <>
          <div className="grid-2">
            <section className="card">
              <h2>Project</h2>
              <label className={`field${errors.name ? ' has-error' : ''}`}>
                <span className="field-label">Name</span>
                <input value={name} onChange={(e) => setName(e.target.value)} aria-label="project name" />
                {errors.name && <span className="field-error">{errors.name}</span>}
              </label>
              <label className={`field${errors.workdir ? ' has-error' : ''}`}>
                <span className="field-label">Working directory</span>
                <input className="mono" value={workdir} onChange={(e) => setWorkdirAndCommand(e.target.value)} aria-label="working directory" />
                <span className={errors.workdir ? 'field-error' : 'field-hint'}>{errors.workdir ?? 'The script’s folder. The script runs here, and every relative path in its command resolves against it.'}</span>
              </label>
              <label className={`field${errors.command ? ' has-error' : ''}`}>
                <span className="field-label">Command (after the interpreter)</span>
                <input className="mono" value={command} onChange={(e) => setCommand(e.target.value)} aria-label="command" />
                {errors.command && <span className="field-error">{errors.command}</span>}
              </label>
              <div className="row">
                <label className="field grow">
                  <span className="field-label">Hyperparameters are passed as</span>
                  <select value={paramStyle} onChange={(e) => setParamStyle(e.target.value as Project['paramStyle'])} aria-label="hyperparameter style">
                    {paramStyles.map((s) => (
                      <option key={s} value={s}>
                        {STYLE_LABELS[s]}
                      </option>
                    ))}
                  </select>
                </label>
                <label className={`field seed-field${errors.seedFlag ? ' has-error' : ''}`}>
                  <span className="field-label">Seed flag</span>
                  <input className="mono" value={seedFlag} onChange={(e) => setSeedFlag(e.target.value)} placeholder="none found" aria-label="seed flag" data-testid="seed-flag" />
                </label>
              </div>
              <p className={errors.seedFlag ? 'field-error' : 'field-hint seed-hint'} data-testid="seed-hint">
                {errors.seedFlag ??
                  (reading
                    ? 'Looking for a seed flag in --help…'
                    : seedFlag.trim()
                      ? help?.seedFlag === seedFlag.trim()
                        ? 'Found in --help; seed reruns set it.'
                        : 'Seed reruns set it.'
                      : 'None found in --help: seed reruns repeat the same configuration. Type the flag if the script has one.')}
              </p>
              <h3>Exact command</h3>
              <p className="argv">
                {[interpreter || 'python', ...argvPreview].map((a, i) => (
                  <code key={`c${i}`}>{a}</code>
                ))}
                {(paramStyle === 'flags' || paramStyle === 'hydra') &&
                  kept.filter((r) => r.name.trim()).map((r) => <code key={`h${r.name}`}>{paramStyle === 'flags' ? `--${r.name.trim()}=${r.value.trim()}` : `${r.name.trim()}=${r.value.trim()}`}</code>)}
              </p>
            </section>

            <section className="card">
              <h2>Interpreter</h2>
              <ul className="interpreters" data-testid="interpreters">
                {inspection.interpreters.map((c) => {
                  const fw = frameworks(c);
                  return (
                    <li key={c.path}>
                      <label className={`interpreter${c.path === interpreter.trim() ? ' chosen' : ''}`}>
                        <input type="radio" name="interpreter" checked={c.path === interpreter.trim()} onChange={() => setInterpreter(c.path)} />
                        <span className="interpreter-text">
                          <span className="mono ellipsis interpreter-path" title={c.path}>
                            {/* A left-to-right mark keeps the leading / in place inside the right-to-left box that cuts the start. */}
                            {`\u200e${c.path}`}
                          </span>
                          <span className="interpreter-meta">
                            <span className={`tag${c.source === 'nearby' ? ' tag-accent' : ''}`}>{SOURCE_LABEL[c.source]}</span>
                            <span>Python {c.version}</span>
                            {fw.length > 0 ? fw.map((f) => <span key={f} className="ok">{f} ✓</span>) : <span className="subtle">no PyTorch, JAX or TensorFlow</span>}
                          </span>
                        </span>
                      </label>
                    </li>
                  );
                })}
              </ul>
              {inspection.interpreters.length === 0 && <p className="field-error">No Python interpreter was found on this machine: type the path of one below.</p>}
              <label className={`field${errors.interpreter ? ' has-error' : ''}`}>
                <span className="field-label">Or another one</span>
                <input className="mono" value={interpreter} onChange={(e) => setInterpreter(e.target.value)} placeholder="/path/to/env/bin/python" aria-label="interpreter" />
                <span className={errors.interpreter ? 'field-error' : 'field-hint'}>
                  {errors.interpreter ?? (chosen ? (chosen.env ? `The environment at ${chosen.env}.` : 'A Python found on this machine’s PATH.') : 'Any Python; --help is read with it.')}
                </span>
              </label>
            </section>
          </div>

          <section className="card">
            <h2>Hyperparameters</h2>
            <p className={`help-status${help && help.status !== 'read' ? ' help-none' : ''}`} data-testid="help-status">
              {reading || !help ? 'Reading the script’s --help…' : help.message}
            </p>
            {help && help.output.trim() && (
              <details className="help-output">
                <summary>What --help printed</summary>
                <pre className="mono">{help.output}</pre>
              </details>
            )}
            <table className="table proposals" data-testid="proposals">
              <thead>
                <tr>
                  <th className="col-keep">Use</th>
                  <th>Name</th>
                  <th>Value</th>
                  <th>Type</th>
                  <th>From the script</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => {
                  const f = r.flag;
                  const err = errors[`row.${i}`];
                  const seed = isSeed(r.name, seedFlag.trim() || null);
                  return (
                    <tr key={i} className={`${r.keep ? '' : 'unkept'}${err ? ' has-error' : ''}`} data-row={r.name}>
                      <td className="col-keep">
                        <input type="checkbox" checked={r.keep} disabled={f?.switch} onChange={(e) => setRow(i, { keep: e.target.checked })} aria-label={`use ${r.name || 'this row'}`} />
                      </td>
                      <td>{f ? <span className="mono">{r.name}</span> : <input className="mono" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} placeholder="name" aria-label="name" />}</td>
                      <td>
                        {f?.switch ? (
                          <span className="subtle small-text">a switch: add {f.name.includes('.') ? f.name : `--${f.name}`} to the command to turn it on</span>
                        ) : f?.choices ? (
                          <select value={r.value} onChange={(e) => setRow(i, { value: e.target.value, keep: true })} aria-label={`value of ${r.name}`}>
                            {r.value === '' && <option value="">choose…</option>}
                            {f.choices.map((c) => (
                              <option key={c} value={c}>
                                {c}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <input className="mono" value={r.value} onChange={(e) => setRow(i, { value: e.target.value })} placeholder={f?.required ? 'required' : 'value'} aria-label={`value of ${r.name}`} />
                        )}
                        {err && <div className="field-error">{err}</div>}
                      </td>
                      <td className="subtle">{f?.type ?? '—'}</td>
                      <td className="subtle ellipsis" title={f?.help}>
                        {seed ? <span className="tag tag-accent">seed</span> : null} {f?.help || (f ? '' : 'added by you')}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {rows.length === 0 && !reading && <p className="empty">Nothing to propose: add the hyperparameters the script takes.</p>}
            <button className="btn" onClick={() => setRows((rs) => [...rs, { name: '', value: '', keep: true, flag: null }])}>
              + Add hyperparameter
            </button>
            <p className="subtle small">Checked ones are passed to every run; the rest keep the script’s defaults. The objective is chosen after the first run, from the metrics it prints.</p>
          </section>
        </>
      )}
    </div>
  );
}
