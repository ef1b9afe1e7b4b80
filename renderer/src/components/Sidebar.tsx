import { useStore } from '../store';

/** The workspace's projects; the selected one fills the main area. */
export function Sidebar() {
  const projects = useStore((s) => s.projects);
  const selected = useStore((s) => s.selectedProjectId);
  const select = useStore((s) => s.selectProject);
  const theme = useStore((s) => s.theme);
  const toggleTheme = useStore((s) => s.toggleTheme);
  const trials = useStore((s) => s.trials);
  return (
    <nav className="sidebar">
      <div className="brand">
        <span className="logo">◆</span> Tunebench
      </div>
      <div className="sidebar-section">Projects</div>
      <ul className="project-list">
        {projects.map((p) => {
          const running = (trials[p.id] ?? []).filter((t) => t.status === 'running').length;
          return (
            <li key={p.id}>
              <button className={`project-item${p.id === selected ? ' active' : ''}`} onClick={() => select(p.id)}>
                <span className="ellipsis">{p.name}</span>
                {running > 0 && <span className="dot" title={`${running} trial${running > 1 ? 's' : ''} running`} />}
              </button>
            </li>
          );
        })}
        {projects.length === 0 && <li className="empty">No projects yet.</li>}
      </ul>
      <div className="sidebar-footer">
        <button className="btn ghost" onClick={toggleTheme} title="Switch theme">
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </div>
    </nav>
  );
}
