/**
 * What a configuration says about its learning-rate schedule, for rationales that state only
 * what is true: "a constant learning rate" only where a schedule flag was set to constant (or
 * decay turned off); a schedule the configuration names is named; otherwise the schedule is the
 * script's own, which Tunebench did not change (nanoGPT decays by default, for one).
 */
import type { Hyperparameters, HyperValue } from '../../preload/contract';

/** Flags that choose a schedule by name (`--lr_schedule cosine`, `--scheduler constant`). */
const SCHEDULE_NAME = /^(?:lr[_-]?)?(?:schedule|scheduler|sched|decay[_-]?(?:type|schedule))$|^lr[_-]?(?:policy|scheduler[_-]?type)$/i;
/** Flags that switch decay on or off (`--decay_lr False`). */
const DECAY_SWITCH = /^(?:decay[_-]?lr|lr[_-]?decay|use[_-]?(?:lr[_-]?)?(?:scheduler|schedule|decay))$/i;
/** Names a constant schedule goes by. */
const CONSTANT = /^(?:constant|const|none|fixed|off|flat)$/i;

const isOff = (v: HyperValue) => v === false || v === 0 || (typeof v === 'string' && /^(?:false|0|no|off|none)$/i.test(v.trim()));

/** The schedule in words, for a sentence after "with": "a constant learning rate (--decay_lr=False)". */
export function learningRateScheduleWords(config: Hyperparameters): string {
  for (const [k, v] of Object.entries(config)) {
    if (SCHEDULE_NAME.test(k)) {
      return CONSTANT.test(String(v).trim()) ? `a constant learning rate (--${k}=${String(v)})` : `the ${String(v)} learning-rate schedule (--${k}=${String(v)})`;
    }
  }
  for (const [k, v] of Object.entries(config)) {
    if (DECAY_SWITCH.test(k)) return isOff(v) ? `a constant learning rate (--${k}=${String(v)})` : `the script’s learning-rate decay on (--${k}=${String(v)})`;
  }
  return 'the script’s own learning-rate schedule (no schedule flag was set: constant only if the script keeps it so)';
}
