import { recogniseOom, type ProcessEnd } from './oom';

/**
 * Why a trial failed, in words a researcher can act on, read from the last lines it printed.
 * Returns null when nothing recognisable was printed (the exit code then speaks for itself).
 * Out-of-memory is recognised by `./oom` (the one place for it); pass `end` so that death by
 * SIGKILL reads as "probable OOM (killed)". Do not pass it for a trial the user stopped.
 */
export function explainFailure(lastLines: readonly string[], interpreter: string, end?: ProcessEnd): string | null {
  const text = lastLines.join('\n');
  const missing = /ModuleNotFoundError: No module named '([^'.]+)/.exec(text);
  if (missing) {
    const mod = missing[1]!;
    const pipName = mod === 'sklearn' ? 'scikit-learn' : mod;
    const apt = mod === 'torch' ? 'python3-torch' : mod === 'sklearn' ? 'python3-sklearn' : `python3-${mod}`;
    return `Python module '${mod}' is not installed for ${interpreter}. Install it into that interpreter (${interpreter} -m pip install ${pipName}; on Debian/Ubuntu system Python: apt install ${apt}) or choose another interpreter in the project settings.`;
  }
  // argparse, click and absl reject arguments with a usage line and exit 2: say which, and where to fix it.
  const usage = /^(?:[\w.\-/]+: )?error: (unrecognized arguments: .*|argument .*|the following arguments are required: .*|invalid .*|no such option: .*)$/im.exec(text);
  const absl = /^FATAL Flags parsing error: (.*)$/m.exec(text);
  if (usage || absl) {
    return `The script rejected its arguments (${(usage?.[1] ?? absl![1])!.trim()}). Check the hyperparameter names and values against the script's flags, and how values are passed, in the project settings.`;
  }
  // Python could not find the script: the command or the working directory is wrong.
  const noScript = /can't open file '([^']+)': \[Errno 2\] No such file or directory/.exec(text);
  if (noScript) return `The script ${noScript[1]} does not exist. Fix the Command (the script's path is relative to the working directory) or the Working directory in the project settings.`;
  // Configurator-style scripts (nanoGPT's configurator.py) refuse keys they do not define.
  const unknownKey = /Unknown config key: ['"]?([\w.\-]+)/.exec(text);
  if (unknownKey) {
    const key = unknownKey[1]!;
    return `The script does not know the setting ${key} (Unknown config key). Remove ${key} from the values${key.includes('seed') ? ", or set the project's seed flag to “none” if the script takes no seed" : ''}, in the project settings.`;
  }
  // Hydra refuses an override of a key its config does not have.
  const hydraKey = /Could not override '([^']+)'/.exec(text);
  if (hydraKey) return `Hydra's config has no key ${hydraKey[1]}: remove it from the values, or write it as +${hydraKey[1]}=… to add it (project settings).`;
  const oom = recogniseOom(text, end);
  if (oom) return oom.reason;
  const tb = /^(\w+(?:\.\w+)*(?:Error|Exception)): (.*)$/m.exec([...lastLines].reverse().join('\n'));
  if (tb) return `${tb[1]}: ${tb[2]}`;
  return null;
}
