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
  const oom = recogniseOom(text, end);
  if (oom) return oom.reason;
  const tb = /^(\w+(?:\.\w+)*(?:Error|Exception)): (.*)$/m.exec([...lastLines].reverse().join('\n'));
  if (tb) return `${tb[1]}: ${tb[2]}`;
  return null;
}
