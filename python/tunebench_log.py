"""Log metrics to Tunebench's side channel: standard library only, copy it next to your script.

    from tunebench_log import log
    log(step=100, loss=0.52, val_error=0.31)

Under Tunebench, each call appends one JSON line to the file named by $TUNEBENCH_METRICS_FILE,
which Tunebench reads apart from everything the script prints, so nothing printed can be
mistaken for a metric and a metric never depends on how a progress bar drew itself. NaN and
inf are written as NaN / Infinity: Tunebench keeps them (they mean divergence). Outside
Tunebench the same line is printed instead, where `tunebench parse` still reads it.
"""
import json
import os

_path = os.environ.get("TUNEBENCH_METRICS_FILE")
# Line-buffered append: each record is one write() of one whole line.
_file = open(_path, "a", buffering=1, encoding="utf-8") if _path else None


def log(step=None, **metrics):
    """Record metric values, with the training step they belong to when there is one."""
    record = {"step": step, **metrics} if step is not None else dict(metrics)
    line = json.dumps({k: float(v) if hasattr(v, "item") else v for k, v in record.items()}, allow_nan=True)
    if _file is not None:
        _file.write(line + "\n")
    else:
        print(line, flush=True)
