import { useEffect, useState } from 'react';
import type { ExecutorInput } from '../../../preload/contract-executors';
import type { SshHostView } from '../../../preload/contract-ssh';
import { api } from '../api/client';

/** How a saved SSH host is named in the choice: what its last test found. */
function hostLabel(h: SshHostView): string {
  const c = h.check;
  if (!c) return `SSH ${h.host} (not tested)`;
  if (c.error) return `SSH ${h.host} (unreachable at its last test)`;
  return c.gpus.length > 0 ? `SSH ${h.host} — ${c.gpus.length} GPU${c.gpus.length > 1 ? 's' : ''}` : `SSH ${h.host} — CPU host`;
}

/**
 * Where a study's (or a Run's) trials run: this machine, or an SSH host saved in Settings. The
 * executors themselves live in the engine (main/engine/executors); this only names one.
 */
export function ExecutorPicker({ value, onChange }: { value: ExecutorInput; onChange: (e: ExecutorInput) => void }) {
  const [hosts, setHosts] = useState<SshHostView[] | null>(null);
  useEffect(() => {
    void api.invoke('sshHosts.list', {}).then(setHosts);
  }, []);
  const selected = value.kind === 'ssh' ? `ssh:${value.host}` : value.kind;
  const host = value.kind === 'ssh' ? hosts?.find((h) => h.host === value.host) : undefined;
  const gpus = host?.check?.gpus.length ?? 0;
  return (
    <div className="row" style={{ alignItems: 'flex-start', flexWrap: 'wrap', gap: 12 }}>
      <label className="field" style={{ flex: '0 1 420px' }}>
        <span className="field-label">Trials run on</span>
        <select
          value={selected}
          data-field="executor"
          onChange={(e) => {
            const v = e.target.value;
            if (v.startsWith('ssh:')) {
              const h = hosts?.find((x) => `ssh:${x.host}` === v);
              onChange({ kind: 'ssh', host: v.slice(4), gpusPerTrial: (h?.check?.gpus.length ?? 0) > 0 ? 1 : 0 });
            } else onChange({ kind: 'local' });
          }}
        >
          <option value="local">this machine</option>
          {hosts?.map((h) => (
            <option key={h.host} value={`ssh:${h.host}`}>
              {hostLabel(h)}
            </option>
          ))}
        </select>
      </label>
      {value.kind === 'ssh' && gpus > 0 && (
        <label className="field" style={{ flex: '0 1 200px' }}>
          <span className="field-label">GPUs per trial (of {gpus})</span>
          <input
            className="mono"
            value={String(value.gpusPerTrial ?? 1)}
            data-field="gpus-per-trial"
            onChange={(e) => onChange({ ...value, gpusPerTrial: Number(e.target.value) })}
          />
        </label>
      )}
      <p className="subtle small" style={{ flexBasis: '100%', margin: 0 }}>
        {value.kind === 'ssh'
          ? host
            ? `The command runs in ${host.workdir} on ${host.host} with ${host.interpreter}; its output is followed live here, and the trial goes on there if the connection drops.`
            : `${value.host} is not in Settings → SSH hosts any more.`
          : hosts && hosts.length === 0
            ? 'To run trials on another machine, add it in Settings → SSH hosts.'
            : 'This machine’s GPU slots (or CPU slots).'}
      </p>
    </div>
  );
}
