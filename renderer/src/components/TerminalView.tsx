import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { Events } from '../../../preload/contract';
import { api } from '../api/client';
import { useStore } from '../store';

const DARK = { background: '#161b22', foreground: '#d6dde6', cursor: '#d6dde6' };
const LIGHT = { background: '#ffffff', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#cde1f7' };

/**
 * A trial's output as a terminal shows it: progress bars redraw in place, colours render,
 * cursor moves apply (xterm.js, the emulator VS Code uses). The saved tail is written first,
 * then live output continues from exactly where that tail ended.
 */
export function TerminalView({ trialId }: { trialId: number }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useStore((s) => s.theme);

  useEffect(() => {
    const term = new Terminal({
      convertEol: false,
      // Same width the pty reports to the script, so lines wrap where the script expects.
      cols: 200,
      rows: 24,
      scrollback: 5000,
      fontSize: 12,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      theme: theme === 'dark' ? DARK : LIGHT,
      disableStdin: true,
    });
    term.open(el.current!);
    let end = -1;
    const queued: Events['trial.output'][] = [];
    const write = (ev: Events['trial.output']) => {
      if (ev.end > end) term.write(ev.data);
    };
    const off = api.on('trial.output', (ev) => {
      if (ev.trialId !== trialId) return;
      if (end < 0) queued.push(ev);
      else write(ev);
    });
    let cancelled = false;
    void api.invoke('trials.output', { id: trialId, maxBytes: 512 * 1024 }).then((r) => {
      if (cancelled) return;
      if (r.truncated) term.write('\x1b[2m[earlier output is in the trial log]\x1b[0m\r\n');
      term.write(r.text);
      end = r.end;
      for (const ev of queued.splice(0)) write(ev);
    });
    return () => {
      cancelled = true;
      off();
      term.dispose();
    };
  }, [trialId, theme]);

  return <div className="terminal-view" ref={el} data-testid="terminal" />;
}
