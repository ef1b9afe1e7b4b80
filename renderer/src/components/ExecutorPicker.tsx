import { useEffect, useState } from 'react';
import type { ExecutorInput } from '../../../preload/contract-executors';
import type { SshHostView } from '../../../preload/contract-ssh';
import { api } from '../api/client';
import './executorPicker.css';

/** How a saved SSH host is named in the choice: what its last test found. */
function hostLabel(h: SshHostView): string {
  const c = h.check;
  if (!c) return `SSH ${h.host} (not tested)`;
  if (c.error) return `SSH ${h.host} (unreachable at its last test)`;
  return c.gpus.length > 0 ? `SSH ${h.host} — ${c.gpus.length} GPU${c.gpus.length > 1 ? 's' : ''}` : `SSH ${h.host} — CPU host`;
}

const SLURM_DEFAULTS: ExecutorInput = { kind: 'slurm', mode: 'batch', partition: '', gpusPerTrial: 0, cpusPerTrial: 1, memory: '', timeLimit: '', account: '' };

/**
 * Where a study's (or a Run's) trials run: this machine, an SSH host saved in Settings, or Slurm
 * with the resources each trial asks for. The executors themselves live in the engine
 * (main/engine/executors), which also checks what is chosen (Slurm's syntax of memory and time);
 * this only names one.
 */
export function ExecutorPicker({ value, onChange, compact = false }: { value: ExecutorInput; onChange: (e: ExecutorInput) => void; compact?: boolean }) {
  const [hosts, setHosts] = useState<SshHostView[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .invoke('sshHosts.list', {})
      .then((h) => live && setHosts(h))
      .catch(() => live && setHosts([]));
    return () => {
      live = false;
    };
  }, []);
  const selected = value.kind === 'ssh' ? `ssh:${value.host}` : value.kind;
  const host = value.kind === 'ssh' ? hosts?.find((h) => h.host === value.host) : undefined;
  const gpus = host?.check?.gpus.length ?? 0;
  return (
    <div className={`executor-picker${compact ? ' compact' : ''}`} data-testid="executor-picker">
      <label className="field">
        <span className="field-label">Trials run on</span>
        <select
          value={selected}
          data-field="executor"
          onChange={(e) => {
            const v = e.target.value;
            if (v.startsWith('ssh:')) {
              const h = hosts?.find((x) => `ssh:${x.host}` === v);
              onChange({ kind: 'ssh', host: v.slice(4), gpusPerTrial: (h?.check?.gpus.length ?? 0) > 0 ? 1 : 0 });
            } else if (v === 'slurm') onChange(SLURM_DEFAULTS);
            else onChange({ kind: 'local' });
          }}
        >
          <option value="local">this machine</option>
          {hosts?.map((h) => (
            <option key={h.host} value={`ssh:${h.host}`}>
              {hostLabel(h)}
            </option>
          ))}
          <option value="slurm">Slurm</option>
        </select>
      </label>
      {value.kind === 'ssh' && gpus > 0 && (
        <NumberField label={`GPUs per trial (of ${gpus})`} value={value.gpusPerTrial ?? 1} onChange={(n) => onChange({ ...value, gpusPerTrial: n })} field="gpus-per-trial" />
      )}
      {value.kind === 'slurm' && (
        <>
          <label className="field">
            <span className="field-label">Submit with</span>
            <select value={value.mode ?? 'batch'} onChange={(e) => onChange({ ...value, mode: e.target.value as 'batch' | 'interactive' })} data-field="slurm-mode">
              <option value="batch">sbatch</option>
              <option value="interactive">srun (interactive)</option>
            </select>
          </label>
          <TextField label="Partition" placeholder="default" value={value.partition ?? ''} onChange={(s) => onChange({ ...value, partition: s })} field="slurm-partition" />
          <NumberField label="GPUs per trial" value={value.gpusPerTrial ?? 0} onChange={(n) => onChange({ ...value, gpusPerTrial: n })} field="slurm-gpus" />
          <NumberField label="CPUs per trial" value={value.cpusPerTrial ?? 1} onChange={(n) => onChange({ ...value, cpusPerTrial: n })} field="slurm-cpus" />
          <TextField label="Memory" placeholder="e.g. 16G" value={value.memory ?? ''} onChange={(s) => onChange({ ...value, memory: s })} field="slurm-memory" />
          <TextField label="Time limit" placeholder="e.g. 2:00:00" value={value.timeLimit ?? ''} onChange={(s) => onChange({ ...value, timeLimit: s })} field="slurm-time" />
          <TextField label="Account" placeholder="default" value={value.account ?? ''} onChange={(s) => onChange({ ...value, account: s })} field="slurm-account" />
        </>
      )}
      <p className="subtle small executor-note">
        {value.kind === 'ssh'
          ? host
            ? `The command runs in ${host.workdir} on ${host.host} with ${host.interpreter}; its output is followed live here, and the trial goes on there if the connection drops.`
            : `${value.host} is not in Settings → SSH hosts any more.`
          : value.kind === 'slurm'
            ? `Each trial is one Slurm job with these resources (empty: the cluster’s default), ${value.mode === 'interactive' ? 'run under srun from this machine: it lasts as long as that srun, for partitions that take only interactive jobs' : 'submitted with sbatch from this machine: it outlives the workbench'}. The workspace must be on a filesystem the nodes share.`
            : hosts && hosts.length === 0
              ? 'This machine’s GPU slots (or CPU slots). To run trials on another machine, add it in Settings → SSH hosts, or choose Slurm.'
              : 'This machine’s GPU slots (or CPU slots).'}
      </p>
    </div>
  );
}

/** What must be fixed before the choice can be sent, in the picker's words (the engine checks the rest). */
export function executorProblems(v: ExecutorInput): string[] {
  const out: string[] = [];
  const whole = (n: number | undefined, what: string, min: number) => {
    if (n !== undefined && !(Number.isInteger(n) && n >= min)) out.push(`${what} must be a whole number of at least ${min}.`);
  };
  if (v.kind === 'ssh') {
    if (!v.host) out.push('Choose the SSH host (add one in Settings first).');
    whole(v.gpusPerTrial, 'GPUs per trial', 0);
  }
  if (v.kind === 'slurm') {
    whole(v.gpusPerTrial, 'GPUs per trial', 0);
    whole(v.cpusPerTrial, 'CPUs per trial', 1);
  }
  return out;
}

function TextField({ label, value, onChange, placeholder, field }: { label: string; value: string; onChange: (s: string) => void; placeholder: string; field: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input className="mono" value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-field={field} />
    </label>
  );
}

/** A whole number; what is typed is kept as typed until it is one, and the engine names what is wrong. */
function NumberField({ label, value, onChange, field }: { label: string; value: number; onChange: (n: number) => void; field: string }) {
  const [text, setText] = useState(String(value));
  useEffect(() => {
    if (Number(text) !== value) setText(String(value));
    // Only an outside change of the value resets the text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <label className="field narrow">
      <span className="field-label">{label}</span>
      <input
        className="mono"
        inputMode="numeric"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          onChange(e.target.value.trim() !== '' && Number.isFinite(n) ? n : NaN);
        }}
        data-field={field}
      />
    </label>
  );
}
