import { useEffect, useRef, useState } from 'react';
import type { Project } from '../../../preload/contract';
import { useStore, type ProjectTab } from '../store';
import { archiveProject, duplicateProject, renameProject } from '../projects/actions';
import '../projects/projects.css';

const SECTIONS: { tab: ProjectTab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'runs', label: 'Command & runs' },
  { tab: 'wizard', label: 'Setup wizard' },
  { tab: 'studies', label: 'Studies' },
  { tab: 'launch', label: 'Launch' },
  { tab: 'journal', label: 'Journal' },
];

/** A project's name in the sidebar, or the field that renames it (Enter saves, Esc cancels). */
function RenameField({ project, done }: { project: Project; done: () => void }) {
  const notify = useStore((s) => s.notify);
  const [name, setName] = useState(project.name);
  const save = async () => {
    const n = name.trim();
    if (!n) return notify('error', 'A project needs a name.');
    if (n !== project.name) {
      try {
        await renameProject(project.id, n);
      } catch (e) {
        return notify('error', (e as Error).message);
      }
    }
    done();
  };
  return (
    <input
      className="rename-input"
      value={name}
      autoFocus
      aria-label="new project name"
      onFocus={(e) => e.target.select()}
      onChange={(e) => setName(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') void save();
        if (e.key === 'Escape') done();
      }}
      onBlur={() => void save()}
    />
  );
}

/** The ⋯ menu of a project: rename, duplicate, archive. */
function ProjectMenu({ project, onRename }: { project: Project; onRename: () => void }) {
  const notify = useStore((s) => s.notify);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);
  const act = (f: () => Promise<unknown>, done?: string) => () => {
    setOpen(false);
    f()
      .then(() => done && notify('info', done))
      .catch((e: Error) => notify('error', e.message));
  };
  return (
    <div ref={ref}>
      <button className="project-menu-btn" aria-haspopup="menu" aria-expanded={open} aria-label={`actions of ${project.name}`} title="Rename, duplicate, archive" onClick={() => setOpen(!open)}>
        ⋯
      </button>
      {open && (
        <ul className="project-menu" role="menu">
          <li>
            <button role="menuitem" onClick={() => (setOpen(false), onRename())}>
              Rename
            </button>
          </li>
          <li>
            <button role="menuitem" onClick={act(() => duplicateProject(project.id), `Duplicated ${project.name}: same settings, no history.`)}>
              Duplicate
            </button>
          </li>
          <li>
            <button role="menuitem" onClick={act(() => archiveProject(project.id, true), `Archived ${project.name}; restore it from Archived below.`)}>
              Archive
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}

/** The workspace's projects; the selected one shows its sections. Archived ones wait behind a toggle. */
export function Sidebar() {
  const projects = useStore((s) => s.projects);
  const selected = useStore((s) => s.selectedProjectId);
  const select = useStore((s) => s.selectProject);
  const view = useStore((s) => s.view);
  const openProject = useStore((s) => s.openProject);
  const openNewProject = useStore((s) => s.openNewProject);
  const theme = useStore((s) => s.theme);
  const toggleTheme = useStore((s) => s.toggleTheme);
  const openSettings = useStore((s) => s.openSettings);
  const trials = useStore((s) => s.trials);
  const notify = useStore((s) => s.notify);
  const [renaming, setRenaming] = useState<number | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const activeTab: ProjectTab | null =
    view.kind === 'project' ? view.tab : view.kind === 'study' || view.kind === 'newStudy' ? 'studies' : view.kind === 'trial' ? null : null;
  const active = projects.filter((p) => p.archivedAt === null);
  const archived = projects.filter((p) => p.archivedAt !== null);
  return (
    <nav className="sidebar">
      <div className="brand">
        <span className="logo">◆</span> Tunebench
      </div>
      <div className="sidebar-section">Projects</div>
      <button className={`new-project-btn${view.kind === 'newProject' ? ' active' : ''}`} onClick={openNewProject} data-nav="new-project">
        <span aria-hidden>+</span> New project
      </button>
      <ul className="project-list">
        {active.map((p) => {
          const running = (trials[p.id] ?? []).filter((t) => t.status === 'running').length;
          const isSelected = p.id === selected && view.kind !== 'newProject';
          return (
            <li key={p.id}>
              {renaming === p.id ? (
                <RenameField project={p} done={() => setRenaming(null)} />
              ) : (
                <div className="project-row">
                  <button className={`project-item${isSelected ? ' active' : ''}`} onClick={() => select(p.id)} onDoubleClick={() => setRenaming(p.id)} title={p.name}>
                    <span className="ellipsis">{p.name}</span>
                    {running > 0 && <span className="dot" title={`${running} trial${running > 1 ? 's' : ''} running`} />}
                  </button>
                  <ProjectMenu project={p} onRename={() => setRenaming(p.id)} />
                </div>
              )}
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
        {active.length === 0 && <li className="empty">{archived.length > 0 ? 'Every project is archived.' : 'No projects yet.'}</li>}
      </ul>
      {archived.length > 0 && (
        <div className="archived">
          <button className="archived-toggle" aria-expanded={showArchived} onClick={() => setShowArchived(!showArchived)} data-testid="archived-toggle">
            {showArchived ? '▾' : '▸'} Archived ({archived.length})
          </button>
          {showArchived && (
            <ul className="archived-list">
              {archived.map((p) => (
                <li key={p.id}>
                  <span className="ellipsis" title={p.name}>
                    {p.name}
                  </span>
                  <button className="link" onClick={() => void archiveProject(p.id, false).catch((e: Error) => notify('error', e.message))} aria-label={`restore ${p.name}`}>
                    Restore
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
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
