import { useEffect, useState } from 'react';
import type { SshHostView } from '../../../preload/contract-ssh';
import { api, ApiError } from '../api/client';
import { useStore } from '../store';

/** What the last connection test found, in one line. */
function checkSummary(h: SshHostView): { text: string; bad: boolean } {
  const c = h.check;
  if (!c) return { text: 'Not tested yet.', bad: false };
  if (c.error) return { text: c.error, bad: true };
  const gpus = c.gpus.length > 0 ? `${c.gpus.length} GPU${c.gpus.length > 1 ? 's' : ''}: ${c.gpus.map((g) => `${g.index} ${g.name} (${Math.round(g.memoryTotalMiB / 1024)} GiB)`).join(', ')}` : `CPU host — ${c.cpuReason ?? 'no GPU found'}`;
  const cpus = c.cpus ? ` · ${c.cpus} CPUs` : '';
  const py = c.interpreterVersion ? ` · ${c.interpreterVersion}` : '';
  return { text: `${gpus}${cpus}${py}`, bad: c.problems.length > 0 };
}

/**
 * SSH hosts a study can run its trials on. Only what `ssh` is given is stored (a Host alias or
 * user@host): the connection uses the user's own agent, keys and ~/.ssh/config.
 */
export function SshHostsCard() {
  const [hosts, setHosts] = useState<SshHostView[] | null>(null);
  const [host, setHost] = useState('');
  const [workdir, setWorkdir] = useState('');
  const [interpreter, setInterpreter] = useState('/usr/bin/python3');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [testing, setTesting] = useState<string | null>(null);
  const notify = useStore((s) => s.notify);

  useEffect(() => {
    void api.invoke('sshHosts.list', {}).then(setHosts);
  }, []);

  async function test(name: string) {
    setTesting(name);
    try {
      const tested = await api.invoke('sshHosts.test', { host: name });
      setHosts((list) => (list ?? []).map((h) => (h.host === name ? tested : h)));
    } catch (e) {
      notify('error', (e as ApiError).message);
    } finally {
      setTesting(null);
    }
  }

  async function add() {
    try {
      setHosts(await api.invoke('sshHosts.save', { host, workdir, interpreter }));
      setErrors({});
      const name = host.trim();
      setHost('');
      setWorkdir('');
      await test(name);
    } catch (e) {
      const err = e as ApiError;
      const byField: Record<string, string> = {};
      for (const i of err.issues ?? []) byField[String(i.path).split('.')[0] ?? ''] = i.message;
      setErrors(Object.keys(byField).length > 0 ? byField : { form: err.message });
    }
  }

  async function remove(name: string) {
    setHosts(await api.invoke('sshHosts.remove', { host: name }));
  }

  return (
    <section className="card" data-testid="ssh-hosts">
      <h2>SSH hosts</h2>
      <p className="subtle">
        Machines a study can run its trials on. Tunebench connects with your own SSH agent, keys and ~/.ssh/config (it never asks for or stores a
        password): <span className="mono">ssh HOST true</span> must work in a terminal without a prompt. Each host needs a C compiler (Tunebench builds its
        small trial host there) and the project’s code in the folder below.
      </p>
      {hosts && hosts.length > 0 && (
        <table className="table ssh-hosts-table" style={{ marginTop: 12 }}>
          <thead>
            <tr>
              <th>Host</th>
              <th>Folder and interpreter there</th>
              <th>Found</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => {
              const s = checkSummary(h);
              return (
                <tr key={h.host} data-host={h.host}>
                  <td className="mono">{h.host}</td>
                  <td>
                    <div className="mono small" data-testid="ssh-host-workdir">{h.workdir}</div>
                    <div className="mono small subtle">{h.interpreter}</div>
                  </td>
                  <td className={s.bad ? 'field-error' : ''} data-testid="ssh-host-check">
                    {testing === h.host ? 'Connecting…' : s.text}
                    {h.check?.problems.map((p) => (
                      <div key={p} className="field-error small">
                        {p}
                      </div>
                    ))}
                  </td>
                  <td style={{ whiteSpace: 'nowrap' }}>
                    <button className="btn" disabled={testing !== null} onClick={() => void test(h.host)}>
                      Test connection
                    </button>{' '}
                    <button className="btn" onClick={() => void remove(h.host)}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="row" style={{ alignItems: 'flex-start', flexWrap: 'wrap', gap: 12, marginTop: 16 }}>
        <label className={`field${errors.host ? ' has-error' : ''}`}>
          <span className="field-label">Host (as ssh takes it)</span>
          <input className="mono" value={host} placeholder="gpu-box or me@10.0.0.5" onChange={(e) => setHost(e.target.value)} data-field="ssh-host" />
          {errors.host && <span className="field-error">{errors.host}</span>}
        </label>
        <label className={`field${errors.workdir ? ' has-error' : ''}`}>
          <span className="field-label">Project folder on the host</span>
          <input className="mono" value={workdir} placeholder="/home/me/project" onChange={(e) => setWorkdir(e.target.value)} data-field="ssh-workdir" />
          {errors.workdir && <span className="field-error">{errors.workdir}</span>}
        </label>
        <label className={`field${errors.interpreter ? ' has-error' : ''}`}>
          <span className="field-label">Python on the host</span>
          <input className="mono" value={interpreter} onChange={(e) => setInterpreter(e.target.value)} data-field="ssh-interpreter" />
          {errors.interpreter && <span className="field-error">{errors.interpreter}</span>}
        </label>
        <button className="btn primary" style={{ marginTop: 20 }} disabled={testing !== null} onClick={() => void add()}>
          Add and test
        </button>
      </div>
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
    </section>
  );
}
