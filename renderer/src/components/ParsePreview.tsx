import { useEffect, useMemo, useState } from 'react';
import type { ParsedPoint, Project } from '../../../preload/contract';
import { compileMetricRegex, type ParseSettings } from '../../../preload/parseSettings';
import { api, ApiError } from '../api/client';
import { useStore } from '../store';
import { formatInteger } from '../lib/format';

/** Rows shown in the preview table; the summary still counts every point found. */
const SHOWN_ROWS = 500;
/** Re-parse this long after the last keystroke: each preview is a round trip to the engine. */
const PREVIEW_DEBOUNCE_MS = 250;

interface Draft {
  regex: string;
  /** One `from = to` per line. */
  renames: string;
  /** Names separated by commas or new lines; `*` matches anything. */
  ignores: string;
}

function toDraft(p: Project): Draft {
  return {
    regex: p.metricRegex ?? '',
    renames: Object.entries(p.metricRenames)
      .map(([from, to]) => `${from} = ${to}`)
      .join('\n'),
    ignores: p.ignoredMetrics.join(', '),
  };
}

/** Reads the draft; returns the settings, or field -> a message saying what is wrong and what would be right. */
function readDraft(d: Draft): { settings: ParseSettings | null; errors: Partial<Record<keyof Draft, string>> } {
  const errors: Partial<Record<keyof Draft, string>> = {};
  const regex = d.regex.trim();
  if (regex) {
    const c = compileMetricRegex(regex);
    if ('error' in c) errors.regex = `The expression ${c.error}.`;
  }
  const renames: Record<string, string> = {};
  d.renames.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const [from, to, ...rest] = line.split('=').map((s) => s.trim());
    if (!from || !to || rest.length > 0) errors.renames = `Line ${i + 1}: write printed name = stored name, e.g. Loss = train_loss.`;
    else if (from in renames) errors.renames = `Line ${i + 1}: ${from} is renamed twice.`;
    else renames[from] = to;
  });
  const ignoredMetrics = d.ignores
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  return { settings: { metricRegex: regex || null, metricRenames: renames, ignoredMetrics }, errors };
}

function show(v: ParsedPoint['value']): string {
  return typeof v === 'number' ? String(v) : v;
}

/**
 * How the project's output is read: its own regex, renames and ignores, and a preview that
 * shows what Tunebench would extract from pasted output (the same pipeline a trial uses, and
 * what `npx tunebench parse FILE` prints), with the settings as typed, before saving them.
 */
export function ParsePreview({ project }: { project: Project }) {
  const saveProject = useStore((s) => s.saveProject);
  const notify = useStore((s) => s.notify);
  const [draft, setDraft] = useState<Draft>(() => toDraft(project));
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ points: ParsedPoint[]; lines: number; truncated: boolean } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);

  useEffect(() => setDraft(toDraft(project)), [project]);

  const { settings, errors } = useMemo(() => readDraft(draft), [draft]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(toDraft(project));

  useEffect(() => {
    if (!text.trim() || !settings) {
      if (!text.trim()) setResult(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api
        .invoke('parse.preview', { projectId: project.id, text, settings })
        .then((r) => current && (setResult(r), setPreviewError(null)))
        .catch((e: Error) => current && setPreviewError(e.message));
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, settings, project.id]);

  const save = async () => {
    if (!settings) return;
    try {
      await saveProject(project.id, settings);
      notify('info', 'Parse settings saved; the next trial uses them.');
    } catch (e) {
      notify('error', e instanceof ApiError ? `${e.message}${e.issues?.length ? `: ${e.issues.map((i) => i.message).join('; ')}` : ''}` : (e as Error).message);
    }
  };

  const set = (k: keyof Draft, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const names = result ? new Set(result.points.map((p) => p.key)) : null;

  return (
    <section className="card" data-testid="parse-preview">
      <h2>Reading the output</h2>
      <p className="subtle">
        JSON lines, key=value and Key: value pairs, Hugging Face dicts, Keras and tqdm/Lightning progress bars and fairseq logs are read without setup. For
        anything else, give a regular expression.
      </p>
      <div className="grid-2">
        <div>
          <label className={`field${errors.regex ? ' has-error' : ''}`}>
            <span className="field-label">Regular expression</span>
            <input className="mono" value={draft.regex} onChange={(e) => set('regex', e.target.value)} placeholder={String.raw`^#(?<step>\d+) err (?<val_error>\S+)`} aria-label="metric regex" />
            {errors.regex ? (
              <span className="field-error" role="alert">
                {errors.regex}
              </span>
            ) : (
              <span className="field-hint">Each named group is a metric; a group named step gives the step. Tried before the built-in formats.</span>
            )}
          </label>
          <label className={`field${errors.renames ? ' has-error' : ''}`}>
            <span className="field-label">Rename metrics</span>
            <textarea className="mono" rows={3} value={draft.renames} onChange={(e) => set('renames', e.target.value)} placeholder="Loss = train_loss" aria-label="metric renames" />
            {errors.renames ? (
              <span className="field-error" role="alert">
                {errors.renames}
              </span>
            ) : (
              <span className="field-hint">One per line: printed name = stored name.</span>
            )}
          </label>
          <label className="field">
            <span className="field-label">Ignore metrics</span>
            <input className="mono" value={draft.ignores} onChange={(e) => set('ignores', e.target.value)} placeholder="lr*, v_num" aria-label="ignored metrics" />
            <span className="field-hint">Names separated by commas; * matches anything.</span>
          </label>
          <div className="actions">
            <button className="btn" disabled={!dirty} onClick={() => setDraft(toDraft(project))}>
              Revert
            </button>
            <button className="btn primary" disabled={!dirty || !settings} onClick={() => void save()} data-testid="save-parse-settings">
              Save parse settings
            </button>
          </div>
        </div>
        <div>
          <label className="field">
            <span className="field-label">Paste output to see what would be extracted</span>
            <textarea className="mono" rows={9} value={text} onChange={(e) => setText(e.target.value)} placeholder={'{"step": 100, "loss": 0.52}\nEpoch 3, Step 400, Loss: 0.4213'} aria-label="pasted output" />
          </label>
        </div>
      </div>
      {previewError && (
        <p className="field-error" role="alert">
          {previewError}
        </p>
      )}
      {result && (
        <>
          <p className="subtle" data-testid="parse-summary">
            {result.points.length === 0
              ? `No metric found in ${formatInteger(result.lines)} line${result.lines === 1 ? '' : 's'}.`
              : `${formatInteger(result.points.length)}${result.truncated ? '+' : ''} points of ${names!.size} metric${names!.size === 1 ? '' : 's'} (${[...names!].join(', ')}) from ${formatInteger(result.lines)} line${result.lines === 1 ? '' : 's'}.`}
          </p>
          {result.points.length > 0 && (
            <table className="table" data-testid="parse-points">
              <thead>
                <tr>
                  <th>metric</th>
                  <th>value</th>
                  <th>step</th>
                </tr>
              </thead>
              <tbody>
                {result.points.slice(0, SHOWN_ROWS).map((p, i) => (
                  <tr key={i}>
                    <td className="mono">{p.key}</td>
                    <td className={`mono${typeof p.value === 'string' ? ' field-error' : ''}`}>{show(p.value)}</td>
                    <td className="mono">{p.step ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.points.length > SHOWN_ROWS && <p className="subtle">Showing the first {SHOWN_ROWS}.</p>}
        </>
      )}
    </section>
  );
}
