import { useEffect } from 'react';
import { useStore } from '../store';

/**
 * An info notice shown this recently survives a change of screen: "Study started" is said just
 * before the study's page opens, and is about that page.
 */
const CARRIED_MS = 1500;

/**
 * The app's one place for notices and errors: docked under the page, in a strip of its own, so a
 * notice covers nothing (one floating over the page's corner hid a wizard's Next button until the
 * user scrolled or dismissed it) and one arriving never pushes what the user is reading down (the
 * page above keeps its scroll position; only its pane gets shorter). Each stays until dismissed or
 * replaced by the next (an error that vanished after a few seconds could not be read, let alone
 * copied). An info notice also goes when the user moves to another screen: it was about the one
 * they left.
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
  return (
    <div className="notices" aria-live="polite">
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
