import { useEffect, useState } from 'react';
import type { Hyperparameters } from '../../../preload/contract';
import type { ArchitectureFamily, Optimizer } from '../../../preload/contract-wizard';
import { guessFlag, optimizerFlagValue, parseFlag } from './config';
import { parseHyperValue } from '../lib/argvText';
import { Field, type StepProps } from './shared';
import { Why } from './Why';

type SizeHp = ArchitectureFamily['size'][number];

/** What makes a size value unusable (it then blocks only its own field). */
function sizeError(h: SizeHp, text: string): string | null {
  if (h.kind === 'categorical') return h.choices.includes(text) ? null : `Choose one of ${h.choices.join(', ')}.`;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return `${h.label} must be a number, e.g. ${h.start}.`;
  if (h.kind === 'integer' && !Number.isInteger(n)) return `${h.label} must be a whole number, e.g. ${h.start}.`;
  if (h.kind === 'integer' && n < 1) return `${h.label} must be at least 1.`;
  if (n < 0) return `${h.label} cannot be negative.`;
  return null;
}

/**
 * The paper's range is a guide, not a limit: a small experiment (n_embd=64) is what the playbook
 * recommends starting with. Outside it, the field says so and still counts.
 */
function sizeNote(h: SizeHp, text: string): string | null {
  if (h.kind === 'categorical') return null;
  const n = Number(text);
  if (n < h.min) return `Smaller than the paper’s range (${h.min} – ${h.max}): fine for a fast first experiment.`;
  if (n > h.max) return `Larger than the paper’s range (${h.min} – ${h.max}).`;
  return null;
}

/** Step 2: a proven architecture for the task, with the paper to reproduce and its size hyperparameters. */
export function Architecture({ project, wizard, catalog, save }: StepProps) {
  const [task, setTask] = useState(wizard.choices.taskType ?? catalog.taskTypes[0]!.id);
  const [archId, setArchId] = useState(wizard.choices.architecture ?? catalog.ownScript.id);
  const families = catalog.architectures.filter((f) => f.taskTypes.includes(task as never));
  const family = catalog.architectures.find((f) => f.id === archId) ?? null;
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(wizard.choices.sizeValues ?? {}).map(([k, v]) => [k, String(v)])),
  );
  const valueOf = (h: SizeHp) => values[h.name] ?? String(h.start);
  // A preset proposes only what the script takes: a size flag is passed when the project already
  // passes it (or it was saved so before); the rest are shown, off, for the researcher to add.
  const takes = (h: SizeHp) => h.name in project.hyperparameters || h.name in (wizard.choices.sizeValues ?? {});
  const [passed, setPassed] = useState<Record<string, boolean>>({});
  const isPassed = (h: SizeHp) => passed[h.name] ?? takes(h);

  function choose(id: string, f: ArchitectureFamily | null) {
    setArchId(id);
    const fresh = f ? Object.fromEntries(f.size.map((h) => [h.name, String(h.start)])) : {};
    setValues(fresh);
    setPassed({});
    const proposed = f ? f.size.filter((h) => h.name in project.hyperparameters) : [];
    void save({ taskType: task, architecture: id, sizeValues: f ? toValues(proposed, fresh) : {} });
  }

  /** The values to pass: the ticked fields that are usable; a field in error keeps only itself out. */
  function toValues(size: readonly SizeHp[], v: Record<string, string>): Hyperparameters {
    const usable = size.filter((h) => sizeError(h, v[h.name] ?? String(h.start)) === null);
    return Object.fromEntries(usable.map((h) => [h.name, h.kind === 'categorical' ? (v[h.name] ?? h.start) : Number(v[h.name] ?? h.start)]));
  }

  function update(nextValues: Record<string, string>, nextPassed: Record<string, boolean>) {
    setValues(nextValues);
    setPassed(nextPassed);
    if (!family) return;
    const on = family.size.filter((h) => nextPassed[h.name] ?? takes(h));
    void save({ sizeValues: toValues(on, nextValues) });
  }

  const edit = (name: string, text: string) => update({ ...values, [name]: text }, passed);
  const toggle = (name: string, on: boolean) => update(values, { ...passed, [name]: on });

  return (
    <section className="card wz-step">
      <h2>Architecture</h2>
      <Why summary="Start from a model that is known to work: find the closest paper that solves a similar problem and reproduce its model.">
        The playbook: “find the closest paper you can that solves something close to the problem at hand and reproduce that model
        as a starting point.” The model’s size (layers, width, activation) is a set of hyperparameters to choose later; start small —
        the initial configuration should be simple, fast and low-resource. If your script already builds its model, keep it.
      </Why>
      <Field label="Task type" testid="taskType">
        <select value={task} onChange={(e) => setTask(e.target.value as typeof task)}>
          {catalog.taskTypes.map((t) => (
            <option key={t.id} value={t.id}>{t.label}</option>
          ))}
        </select>
      </Field>
      <div className="wz-cards" role="radiogroup" aria-label="Architecture">
        {families.map((f) => (
          <button key={f.id} type="button" role="radio" aria-checked={archId === f.id} className={`wz-option${archId === f.id ? ' active' : ''}`} onClick={() => choose(f.id, f)} data-arch={f.id}>
            <span className="wz-option-title">{f.name}</span>
            <span className="wz-option-text">{f.whenToUse}</span>
            <span className="wz-paper">
              {f.paper.authors[0]}
              {f.paper.authors.length > 1 ? ' et al.' : ''} ({f.paper.year}), <i>{f.paper.venue}</i>
            </span>
          </button>
        ))}
        <button type="button" role="radio" aria-checked={archId === catalog.ownScript.id} className={`wz-option${archId === catalog.ownScript.id ? ' active' : ''}`} onClick={() => choose(catalog.ownScript.id, null)} data-arch="own-script">
          <span className="wz-option-title">{catalog.ownScript.name}</span>
          <span className="wz-option-text">{catalog.ownScript.whenToUse}</span>
        </button>
      </div>
      {family && (
        <div className="wz-detail">
          <p className="wz-paper-line">
            Paper to reproduce:{' '}
            <a href={family.paper.url} target="_blank" rel="noreferrer">
              {family.paper.title}
            </a>{' '}
            — {family.paper.authors.join(', ')}, {family.paper.venue} {family.paper.year}.
          </p>
          <h3>Size hyperparameters (starting values from the paper’s smallest configuration)</h3>
          <div className="wz-grid wz-grid-4">
            {family.size.map((h) => (
              <Field
                key={h.name}
                label={`${h.label} (--${h.name})`}
                error={isPassed(h) ? sizeError(h, valueOf(h)) : null}
                hint={(isPassed(h) ? sizeNote(h, valueOf(h)) : null) ?? h.note ?? (h.kind === 'categorical' ? h.choices.join(' · ') : `the paper: ${h.min} – ${h.max}`)}
                testid={`size-${h.name}`}
              >
                <span className="wz-size-row">
                  {h.kind === 'categorical' ? (
                    <select value={valueOf(h)} onChange={(e) => edit(h.name, e.target.value)} disabled={!isPassed(h)}>
                      {h.choices.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  ) : (
                    <input className="mono" value={valueOf(h)} onChange={(e) => edit(h.name, e.target.value)} disabled={!isPassed(h)} />
                  )}
                  {/* After the value: a click on the field's label focuses the value, not this. */}
                  <input
                    type="checkbox"
                    checked={isPassed(h)}
                    onChange={(e) => toggle(h.name, e.target.checked)}
                    title={`Pass --${h.name} to the script`}
                    aria-label={`pass --${h.name} to the script`}
                    data-testid={`pass-${h.name}`}
                  />
                </span>
              </Field>
            ))}
          </div>
          <p className="subtle small">
            Ticked sizes reach the script as these flags in the initial configuration. Only flags the project already passes are ticked: tick
            another only if your script takes it (an unknown flag makes argparse stop the run).
          </p>
        </div>
      )}
    </section>
  );
}

type OptimizerHp = Optimizer['hyperparameters'][number];

/** Step 3: a popular optimizer with every hyperparameter visible and defaulted, and the FAQ's budget rule. */
export function OptimizerStep({ project, wizard, catalog, save }: StepProps) {
  const primaries = catalog.optimizers.filter((o) => o.variantOf === null);
  const [optId, setOptId] = useState(wizard.choices.optimizer ?? 'adam');
  const optimizer = catalog.optimizers.find((o) => o.id === optId) ?? primaries[0]!;
  const variants = catalog.optimizers.filter((o) => o.variantOf === (optimizer.variantOf ?? optimizer.id));
  const stored = wizard.choices.optimizerValues ?? {};
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [included, setIncluded] = useState<Record<string, boolean>>({});
  // Flag names as typed, keyed by the conventional name: scripts differ (--eps, --epsilon).
  const [flagTexts, setFlagTexts] = useState<Record<string, string>>(() => ({ ...(wizard.choices.optimizerFlags ?? {}) }));
  const known = project.hyperparameters;
  const optimizerFlag = 'optimizer' in known ? 'optimizer' : null;

  const flagText = (name: string, f: Record<string, string> = flagTexts) => f[name] ?? guessFlag(name, known);
  const flagOf = (name: string, f: Record<string, string> = flagTexts) => parseFlag(flagText(name, f), name).value ?? guessFlag(name, known);
  const flagErrorOf = (h: OptimizerHp, o: Optimizer, f: Record<string, string> = flagTexts): string | null => {
    const p = parseFlag(flagText(h.name, f), h.label);
    if (p.error) return p.error;
    if (p.value === optimizerFlag) return `--${p.value} already selects the optimizer.`;
    const twin = o.hyperparameters.find((x) => x.id !== h.id && flagOf(x.name, f) === p.value);
    return twin ? `--${p.value} is also the flag of ${twin.symbol}.` : null;
  };
  // The project's value counts only for the same optimizer: an SGD learning rate says nothing about Adam's.
  const projectValueOf = (h: OptimizerHp, o: Optimizer = optimizer) => {
    const v = known[flagOf(h.name)];
    const sameOptimizer = !optimizerFlag || known[optimizerFlag] === optimizerFlagValue(o.id);
    // A number saved as written (`0.0`) counts as the number it is.
    const kindOk = h.kind === 'boolean' ? typeof v === 'boolean' : typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
    return v !== undefined && kindOk && sameOptimizer ? v : undefined;
  };
  const defaultOf = (h: OptimizerHp, o: Optimizer = optimizer) => projectValueOf(h, o) ?? h.default;
  // Stored values are looked up under the flag they were stored with, not the one being typed.
  const storedFlagOf = (name: string) => wizard.choices.optimizerFlags?.[name] ?? guessFlag(name, known);
  const isIncluded = (h: OptimizerHp) => included[h.id] ?? (h.role === 'learning-rate' || flagOf(h.name) in known || storedFlagOf(h.name) in stored);
  const textOf = (h: OptimizerHp) => texts[h.id] ?? (storedFlagOf(h.name) in stored && optId === wizard.choices.optimizer ? String(stored[storedFlagOf(h.name)]) : String(defaultOf(h)));
  const errorOf = (h: OptimizerHp, typed?: Record<string, string>): string | null => {
    const t = (typed?.[h.id] ?? textOf(h)).trim();
    if (h.kind === 'boolean') return t === 'true' || t === 'false' ? null : 'true or false';
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) return `a number, e.g. ${h.default}`;
    if (h.role === 'learning-rate' && n <= 0) return 'A learning rate must be positive, e.g. 0.001.';
    if ((h.role === 'first-moment' || h.role === 'second-moment') && !(n >= 0 && n < 1)) return 'from 0 to below 1, e.g. 0.9';
    if (h.role === 'epsilon' && n <= 0) return 'ε must be positive, e.g. 1e-8';
    if (n < 0) return 'cannot be negative';
    return null;
  };

  function values(o: Optimizer, t: Record<string, string>, inc: Record<string, boolean>, f: Record<string, string>): Hyperparameters {
    const out: Hyperparameters = {};
    if (optimizerFlag) out[optimizerFlag] = optimizerFlagValue(o.id);
    for (const h of o.hyperparameters) {
      const on = inc[h.id] ?? isIncluded(h);
      if (!on) continue;
      const text = (t[h.id] ?? textOf(h)).trim();
      // parseHyperValue keeps a float written as one (0.0 stays 0.0 for type-checking scripts).
      out[flagOf(h.name, f)] = h.kind === 'boolean' ? text === 'true' : parseHyperValue(text);
    }
    return out;
  }

  /** The flags of every hyperparameter of `o`, as they are now (stored so step 5 and a revisit use them). */
  const flagsOf = (o: Optimizer, f: Record<string, string>) => Object.fromEntries(o.hyperparameters.map((h) => [h.name, flagOf(h.name, f)]));

  function persist(o: Optimizer, t: Record<string, string>, inc: Record<string, boolean>, f: Record<string, string> = flagTexts) {
    const ok = o.hyperparameters.every((h) => !(inc[h.id] ?? isIncluded(h)) || (errorOf(h, t) === null && flagErrorOf(h, o, f) === null));
    if (ok) void save({ optimizer: o.id, optimizerValues: values(o, t, inc, f), optimizerFlags: flagsOf(o, f) });
  }

  function pick(id: string) {
    setOptId(id);
    setTexts({});
    setIncluded({});
    const o = catalog.optimizers.find((x) => x.id === id)!;
    const fresh: Hyperparameters = {};
    if (optimizerFlag) fresh[optimizerFlag] = optimizerFlagValue(o.id);
    for (const h of o.hyperparameters) if (h.role === 'learning-rate' || flagOf(h.name) in known) fresh[flagOf(h.name)] = defaultOf(h, o);
    void save({ optimizer: id, optimizerValues: fresh, optimizerFlags: flagsOf(o, flagTexts) });
  }

  // What the step shows is what is stored: an optimizer accepted as shown is a choice too, so it
  // is saved (as picking it would: its learning rate and the flags the script already passes) and
  // the step ticked on the first visit, not only after an edit. Once: later edits save themselves.
  useEffect(() => {
    if (wizard.choices.optimizer == null) pick(optimizer.id);
  }, []);

  const rule = catalog.budgetRule[optimizer.id] ?? [];
  return (
    <section className="card wz-step">
      <h2>Optimizer</h2>
      <Why summary="Start with the most popular optimizer for the problem, and know every one of its hyperparameters: early on, tune only the learning rate.">
        The playbook: use a well-established optimizer (SGD with Nesterov momentum, Adam or NAdam) and be aware of all of its
        hyperparameters — Adam has four: the learning rate, β1, β2 and ε. In the first rounds keep everything but the learning rate
        fixed at its default; tune the others only when the budget allows (the rule below, from the playbook’s FAQ). The learning
        rates of different optimizers are different hyperparameters: a good Adam learning rate says nothing about SGD’s.
      </Why>
      <div className="wz-cards wz-cards-3" role="radiogroup" aria-label="Optimizer">
        {primaries.map((o) => (
          <button key={o.id} type="button" role="radio" aria-checked={optimizer.id === o.id || optimizer.variantOf === o.id} className={`wz-option${optimizer.id === o.id || optimizer.variantOf === o.id ? ' active' : ''}`} onClick={() => pick(o.id)} data-optimizer={o.id}>
            <span className="wz-option-title">{o.name}</span>
            <span className="wz-option-text mono">{o.frameworkNames.pytorch}</span>
            <span className="wz-paper">{o.paper.authors[0]}{o.paper.authors.length > 1 ? ' et al.' : ''} ({o.paper.year})</span>
          </button>
        ))}
      </div>
      {variants.length > 0 && (
        <label className="wz-check wz-variant">
          <input type="checkbox" checked={optimizer.variantOf !== null} onChange={(e) => pick(e.target.checked ? variants[0]!.id : variants[0]!.variantOf!)} />
          <span>Use the variant {variants.map((v) => v.name).join(', ')}</span>
        </label>
      )}
      <table className="table wz-table" data-testid="optimizer-table">
        <thead>
          <tr>
            <th style={{ width: 40 }}>Pass</th>
            <th>Hyperparameter</th>
            <th style={{ width: 170 }}>Flag (as your script reads it)</th>
            <th style={{ width: 150 }}>Value</th>
            <th style={{ width: 150 }}>Early rounds</th>
            <th>Default, and the project’s value</th>
          </tr>
        </thead>
        <tbody>
          {optimizer.hyperparameters.map((h) => {
            const err = isIncluded(h) ? errorOf(h) : null;
            const flagErr = flagErrorOf(h, optimizer);
            const projectValue = projectValueOf(h);
            return (
              <tr key={h.id} data-hparam={h.name}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`pass ${h.name} to the script`}
                    checked={isIncluded(h)}
                    onChange={(e) => {
                      const inc = { ...included, [h.id]: e.target.checked };
                      setIncluded(inc);
                      persist(optimizer, texts, inc);
                    }}
                  />
                </td>
                <td>
                  {h.label.includes(h.symbol) ? <b>{h.label}</b> : (<><b>{h.symbol}</b> {h.label}</>)}
                </td>
                <td className={flagErr ? 'has-error' : ''}>
                  <span className="wz-flag">
                    <span className="mono subtle">--</span>
                    <input
                      className="mono"
                      value={flagText(h.name)}
                      aria-label={`flag of ${h.name}`}
                      spellCheck={false}
                      onChange={(e) => {
                        const f = { ...flagTexts, [h.name]: e.target.value.replace(/^--?/, '') };
                        setFlagTexts(f);
                        persist(optimizer, texts, included, f);
                      }}
                      data-flag={h.name}
                    />
                  </span>
                  {flagErr && <div className="field-error">{flagErr}</div>}
                </td>
                <td className={err ? 'has-error' : ''}>
                  <input
                    className="mono"
                    value={textOf(h)}
                    onChange={(e) => {
                      const t = { ...texts, [h.id]: e.target.value };
                      setTexts(t);
                      persist(optimizer, t, included);
                    }}
                    data-value={h.name}
                  />
                  {err && <div className="field-error">{err}</div>}
                </td>
                <td>{h.fixedEarly ? <span className="wz-tag">fixed at default</span> : <span className="wz-tag ok">tune</span>}</td>
                <td className="subtle small">
                  <span className="wz-default">default {String(h.default)}</span>
                  {projectValue !== undefined && (
                    <span className="wz-project-value" data-project-value={h.name}>
                      {' · '}project: <b className="mono">{String(projectValue)}</b>
                    </span>
                  )}
                  <br />
                  {h.defaultSource}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="subtle small">
        {optimizerFlag && (
          <>
            The script’s <code>--{optimizerFlag}</code> flag selects the optimizer: <code>{optimizerFlagValue(optimizer.id)}</code>.{' '}
          </>
        )}
        Each flag is named the way your script reads it (PyTorch scripts often say <code>--eps</code>); a name the script does not
        know makes the confirmation run in step 5 fail. Unticked hyperparameters keep the script’s own default.
      </p>
      <h3>Which to tune later, by trial budget (the playbook’s FAQ)</h3>
      <table className="table wz-table wz-budget" data-testid="budget-rule">
        <thead>
          <tr>
            <th style={{ width: 120 }}>Trials per study</th>
            <th>Tune as nuisance</th>
            <th>Keep fixed</th>
          </tr>
        </thead>
        <tbody>
          {rule.map((r, i) => (
            <tr key={r.trials}>
              <td className="num">{i === 0 ? `< ${rule[1]?.trials ?? 10}` : i === rule.length - 1 ? `${r.trials}+ (far more)` : `${r.trials} – ${(rule[i + 1]?.trials ?? r.trials) - 1}`}</td>
              <td>{r.tuned.join(', ')}</td>
              <td className="subtle">{r.fixed.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
