import { useStore, type ProjectTab, type View } from './index';

const TABS: ProjectTab[] = ['overview', 'runs', 'wizard', 'studies', 'launch', 'journal'];

/** The address of a screen, so Back and Forward move within the app and a screen can be bookmarked. */
export function hashOf(view: View, projectId: number | null): string {
  switch (view.kind) {
    case 'trial':
      return `#/trial/${view.trialId}`;
    case 'study':
      return `#/study/${view.studyId}`;
    case 'compare':
      return `#/compare/${view.trialIds.join(',')}`;
    case 'settings':
      return '#/settings';
    case 'newProject':
      return '#/new-project';
    case 'newStudy':
      return projectId === null ? '#/' : `#/project/${projectId}/new-study${view.fromStudy !== undefined ? `/from/${view.fromStudy}` : ''}`;
    case 'project':
      return projectId === null ? '#/' : `#/project/${projectId}/${view.tab}`;
  }
}

/** The screen an address names, or null for one it does not. */
export function parseHash(hash: string): { view: View; projectId: number | null } | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const n = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : null);
  if (parts[0] === 'trial' && n(parts[1])) return { view: { kind: 'trial', trialId: n(parts[1])! }, projectId: null };
  if (parts[0] === 'study' && n(parts[1])) return { view: { kind: 'study', studyId: n(parts[1])! }, projectId: null };
  if (parts[0] === 'compare' && parts[1] && /^\d+(,\d+)+$/.test(parts[1]))
    return { view: { kind: 'compare', trialIds: parts[1].split(',').map(Number) }, projectId: null };
  if (parts[0] === 'settings') return { view: { kind: 'settings' }, projectId: null };
  if (parts[0] === 'new-project') return { view: { kind: 'newProject' }, projectId: null };
  if (parts[0] === 'project' && n(parts[1])) {
    if (parts[2] === 'new-study') {
      const from = parts[3] === 'from' ? n(parts[4]) : null;
      return { view: from !== null ? { kind: 'newStudy', fromStudy: from } : { kind: 'newStudy' }, projectId: n(parts[1]) };
    }
    const tab = TABS.find((t) => t === parts[2]) ?? 'overview';
    return { view: { kind: 'project', tab }, projectId: n(parts[1]) };
  }
  return null;
}

/**
 * Keeps the address bar and the store in step: every change of screen is a history entry,
 * and Back/Forward (or an edited address) moves the app. Returns the unsubscribe function.
 */
export function connectRouter(): () => void {
  let applying = false;
  const apply = () => {
    const target = parseHash(window.location.hash);
    if (!target) return;
    applying = true;
    const projects = useStore.getState().projects;
    const projectId = target.projectId !== null && projects.some((p) => p.id === target.projectId) ? target.projectId : useStore.getState().selectedProjectId;
    useStore.setState({ view: target.view, selectedProjectId: projectId });
    applying = false;
  };
  const off = useStore.subscribe((s, prev) => {
    if (applying || (s.view === prev.view && s.selectedProjectId === prev.selectedProjectId)) return;
    const hash = hashOf(s.view, s.selectedProjectId);
    if (hash !== window.location.hash) window.history.pushState(null, '', hash);
  });
  window.addEventListener('popstate', apply);
  // The entry the page was loaded at names its screen too, so Back can return to it.
  const { view, selectedProjectId } = useStore.getState();
  window.history.replaceState(null, '', hashOf(view, selectedProjectId));
  return () => {
    off();
    window.removeEventListener('popstate', apply);
  };
}

/**
 * Opens the screen the page was loaded at (a bookmark, a reload), once the projects are known.
 * Takes the address as it was at load: loading the projects already moved the app (and so the address).
 */
export function applyInitialHash(hash: string): void {
  const target = parseHash(hash);
  if (!target) return;
  const { projects, selectedProjectId } = useStore.getState();
  const projectId = target.projectId !== null && projects.some((p) => p.id === target.projectId) ? target.projectId : selectedProjectId;
  useStore.setState({ view: target.view, selectedProjectId: projectId });
}
