import { useStore, type ProjectTab } from '../store';

const SECTIONS: { tab: ProjectTab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'runs', label: 'Command & runs' },
  { tab: 'wizard', label: 'Setup wizard' },
  { tab: 'studies', label: 'Studies' },
  { tab: 'launch', label: 'Launch' },
  { tab: 'journal', label: 'Journal' },
];

/** The workspace's projects; the selected one shows its sections. */
export function Sidebar() {
  const projects = useStore((s) => s.projects);
  const selected = useStore((s) => s.selectedProjectId);
  const select = useStore((s) => s.selectProject);
  const view = useStore((s) => s.view);
  const openProject = useStore((s) => s.openProject);
  const theme = useStore((s) => s.theme);
  const toggleTheme = useStore((s) => s.toggleTheme);
  const openSettings = useStore((s) => s.openSettings);
  const trials = useStore((s) => s.trials);
  const activeTab: ProjectTab | null =
    view.kind === 'project' ? view.tab : view.kind === 'study' || view.kind === 'newStudy' ? 'studies' : view.kind === 'trial' ? null : null;
  return (
    <nav className="sidebar">
      <div className="brand">
        <span className="logo">◆</span> Tunebench
      </div>
      <div className="sidebar-section">Projects</div>
      <ul className="project-list">
        {projects.map((p) => {
          const running = (trials[p.id] ?? []).filter((t) => t.status === 'running').length;
          const isSelected = p.id === selected;
          return (
            <li key={p.id}>
              <button className={`project-item${isSelected ? ' active' : ''}`} onClick={() => select(p.id)}>
                <span className="ellipsis">{p.name}</span>
                {running > 0 && <span className="dot" title={`${running} trial${running > 1 ? 's' : ''} running`} />}
              </button>
              {isSelected && (
                <ul className="sections">
                  {SECTIONS.map((s) => (
                    <li key={s.tab}>
                      <button className={`section-item${activeTab === s.tab ? ' active' : ''}`} onClick={() => openProject(s.tab)} data-nav={s.tab}>
                        {s.label}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
        {projects.length === 0 && <li className="empty">No projects yet.</li>}
      </ul>
      <div className="sidebar-footer">
        <button className={`btn ghost${view.kind === 'settings' ? ' active' : ''}`} onClick={openSettings} data-nav="settings">
          ⚙ Settings
        </button>
        <button className="btn ghost" onClick={toggleTheme} title="Switch theme">
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </div>
    </nav>
  );
}
