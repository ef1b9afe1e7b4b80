import { useEffect, useState } from 'react';
import type { InterpreterCandidate, SettingsView } from '../../../preload/contract';
import { api, ApiError } from '../api/client';
import { useStore } from '../store';
import { PageHeader } from '../components/PageHeader';
import { SshHostsCard } from '../components/SshHostsCard';
import { ObjectiveSummarySetting } from '../components/ObjectiveSummarySetting';

/** The workspace: where it lives, how many trials run at once, the GPUs found, the Pythons found, the theme. */
export function SettingsPage() {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [slots, setSlots] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pythons, setPythons] = useState<InterpreterCandidate[] | null>(null);
  const theme = useStore((s) => s.theme);
  const toggleTheme = useStore((s) => s.toggleTheme);
  const notify = useStore((s) => s.notify);
  const project = useStore((s) => s.projects.find((p) => p.id === s.selectedProjectId) ?? null);

  useEffect(() => {
    void api.invoke('interpreters.detect', {}).then(setPythons);
    void api.invoke('settings.get', {}).then((s) => {
      setSettings(s);
      setSlots(String(s.cpuSlots));
    });
  }, []);

  async function saveSlots() {
    const n = Number(slots);
    if (!Number.isInteger(n) || n < 1 || n > 64) return setError(`Trials at once is a whole number from 1 to 64, got “${slots}”.`);
    setError(null);
    try {
      setSettings(await api.invoke('settings.update', { cpuSlots: n }));
      notify('info', `Up to ${n} trial${n > 1 ? 's' : ''} at once.`);
    } catch (e) {
      setError((e as ApiError).message);
    }
  }

  if (!settings)
    return (
      <div className="page">
        <p className="empty">Loading settings…</p>
      </div>
    );
  const onGpus = settings.gpus.length > 0;
  return (
    <div className="page">
      <PageHeader title="Settings" subtitle="Saved in the workspace; trials already running are not affected." />
      <section className="card">
        <h2>Workspace</h2>
        <dl className="kv">
          <dt>Folder</dt>
          <dd className="mono">{settings.dataDir}</dd>
          <dt>Database</dt>
          <dd className="mono">{settings.dbPath}</dd>
        </dl>
        <p className="subtle small">Start Tunebench with TUNEBENCH_DATA_DIR set to use another folder.</p>
      </section>
      <section className="card">
        <h2>Trials at once</h2>
        {onGpus ? (
          <p>
            {settings.gpus.length} GPU{settings.gpus.length > 1 ? 's' : ''} found (ids {settings.gpus.join(', ')}): one trial per GPU, given to it with
            CUDA_VISIBLE_DEVICES. A study can ask for fewer at once.
          </p>
        ) : (
          <>
            <p className="subtle">No GPU was found (nvidia-smi is not available), so trials run on CPU slots. This machine has {settings.cpuCores} cores.</p>
            <div className="row" style={{ alignItems: 'flex-end', maxWidth: 420 }}>
              <label className={`field${error ? ' has-error' : ''}`}>
                <span className="field-label">CPU slots</span>
                <input className="mono" value={slots} onChange={(e) => setSlots(e.target.value)} data-field="cpu-slots" />
              </label>
              <button className="btn primary" style={{ marginBottom: 12 }} onClick={() => void saveSlots()}>
                Save
              </button>
            </div>
            {error && (
              <p className="field-error" role="alert">
                {error}
              </p>
            )}
          </>
        )}
        <table className="table" style={{ maxWidth: 520 }}>
          <thead>
            <tr>
              <th>Slot</th>
              <th>Running</th>
            </tr>
          </thead>
          <tbody>
            {settings.slots.map((s, i) => (
              <tr key={i}>
                <td className="mono">{s.gpu !== null ? `GPU ${s.gpu}` : `CPU ${i + 1}`}</td>
                <td>{s.trialId !== null ? `trial #${s.trialId}` : <span className="subtle">free</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <SshHostsCard />
      {project && <ObjectiveSummarySetting project={project} />}
      <section className="card">
        <h2>Python interpreters</h2>
        <p className="subtle">Each project chooses its own; these are the ones found on this machine.</p>
        <button className="btn" onClick={() => void api.invoke('interpreters.detect', {}).then(setPythons)}>
          Detect again
        </button>
        {pythons && (
          <ul className="candidates">
            {pythons.map((p) => (
              <li key={p.path}>
                <span className="mono">{p.path}</span>{' '}
                <span className="subtle">
                  Python {p.version} · {p.hasTorch ? 'PyTorch ✓' : 'no PyTorch'} · {p.hasSklearn ? 'scikit-learn ✓' : 'no scikit-learn'}
                </span>
              </li>
            ))}
            {pythons.length === 0 && <li className="field-error">No Python interpreter was found.</li>}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>Appearance</h2>
        <button className="btn" onClick={toggleTheme}>
          {theme === 'dark' ? 'Switch to light' : 'Switch to dark'}
        </button>
      </section>
    </div>
  );
}
