import { useEffect, useRef } from 'react';
import { useStore } from '../store';

/**
 * An info notice shown this recently survives a change of screen: "Study started" is said just
 * before the study's page opens, and is about that page.
 */
const CARRIED_MS = 1500;

/**
 * The app's one place for notices and errors: over the page's bottom right corner, so one arriving
 * never pushes what the user is reading down; each stays until dismissed or replaced by the next
 * (an error that vanished after a few seconds could not be read, let alone copied). An info
 * notice also goes when the user moves to another screen: it was about the one they left.
 */
export function Notices() {
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissNotice);
  const connected = useStore((s) => s.connected);
  const view = useStore((s) => s.view);
  useEffect(() => {
    const n = useStore.getState().notice;
    if (n?.kind === 'info' && Date.now() - n.at > CARRIED_MS) dismiss();
  }, [view, dismiss]);
  const stack = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // A notice that stays must not hide what is under it for good (a wizard's Next button sits in
    // the same corner): the page gets room below its end as tall as the notices, so it can scroll
    // clear of them.
    const el = stack.current;
    if (!el) return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--notices-space', `${el.offsetHeight ? el.offsetHeight + 24 : 0}px`));
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--notices-space');
    };
  }, []);
  return (
    <div className="notices" aria-live="polite" ref={stack}>
      {!connected && (
        <div className="notice error" role="alert" data-testid="connection-lost">
          <span>Lost the connection to the workbench engine; reconnecting…</span>
        </div>
      )}
      {notice && (
        <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice" data-kind={notice.kind}>
          <span className="notice-text">{notice.text}</span>
          <button className="btn icon" onClick={dismiss} aria-label="Dismiss" title="Dismiss">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
