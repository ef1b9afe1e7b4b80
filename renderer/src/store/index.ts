import { create, type StateCreator } from 'zustand';
import type { Hyperparameters, Project, ProjectPatch, Trial } from '../../../preload/contract';
import { api } from '../api/client';
import type { ExecutorInput } from '../../../preload/contract-executors';

type Theme = 'light' | 'dark';
/** The project's sections, in the sidebar's order. */
export type ProjectTab = 'overview' | 'runs' | 'wizard' | 'studies' | 'launch' | 'journal';
export type View =
  | { kind: 'project'; tab: ProjectTab }
  | { kind: 'trial'; trialId: number }
  | { kind: 'study'; studyId: number }
  | { kind: 'compare'; trialIds: number[] }
  /** The study designer; `fromStudy`: prefilled with the next study drafted from that one. */
  | { kind: 'newStudy'; fromStudy?: number }
  | { kind: 'newProject' }
  | { kind: 'settings' };

interface ProjectsSlice {
  projects: Project[];
  selectedProjectId: number | null;
  loadProjects(): Promise<void>;
  selectProject(id: number): void;
  saveProject(id: number, patch: ProjectPatch): Promise<Project>;
}

interface TrialsSlice {
  /** Trials per project id, newest first. */
  trials: Record<number, Trial[]>;
  loadTrials(projectId: number): Promise<void>;
  upsertTrial(t: Trial): void;
  /** Starts a trial of the project, with these hyperparameters (default: the project's own). */
  startTrial(projectId: number, hyperparameters?: Hyperparameters, executor?: ExecutorInput): Promise<Trial>;
  stopTrial(id: number): Promise<void>;
}

interface UiSlice {
  view: View;
  theme: Theme;
  connected: boolean;
  /** Bumped on every reconnect: views that hold live data re-fetch what they missed. */
  epoch: number;
  /** The one notice showing; `at`: when it was shown (an info notice belongs to the screen it was shown on). */
  notice: { kind: 'error' | 'info'; text: string; at: number } | null;
  /** Where Back goes from a trial or study page. */
  previous: View | null;
  openTrial(trialId: number): void;
  /** Several trials side by side (2-8, the first is the reference of the config diff). */
  openCompare(trialIds: number[]): void;
  openProject(tab?: ProjectTab): void;
  openStudy(studyId: number): void;
  openNewStudy(fromStudy?: number): void;
  /** "New project": the form that takes a training script and proposes the rest. */
  openNewProject(): void;
  openSettings(): void;
  back(): void;
  toggleTheme(): void;
  setConnected(c: boolean): void;
  notify(kind: 'error' | 'info', text: string): void;
  dismissNotice(): void;
}

export type State = ProjectsSlice & TrialsSlice & UiSlice;

const THEME_KEY = 'tunebench.theme';

const projectsSlice: StateCreator<State, [], [], ProjectsSlice> = (set, get) => ({
  projects: [],
  selectedProjectId: null,
  async loadProjects() {
    const projects = await api.invoke('projects.list', {});
    const sel = get().selectedProjectId;
    // Archived projects are kept but not opened unless asked for.
    const first = projects.find((p) => p.archivedAt === null) ?? projects[0];
    set({ projects, selectedProjectId: sel !== null && projects.some((p) => p.id === sel) ? sel : (first?.id ?? null) });
  },
  selectProject(id) {
    // A project opens on its Overview, which holds the playbook's next step.
    set({ selectedProjectId: id, view: { kind: 'project', tab: get().view.kind === 'project' ? (get().view as { tab: ProjectTab }).tab : 'overview' } });
  },
  async saveProject(id, patch) {
    const saved = await api.invoke('projects.update', { id, patch });
    set({ projects: get().projects.map((p) => (p.id === id ? saved : p)) });
    return saved;
  },
});

/** How long a burst of new trials may last before the list is read again for their groups' names. */
const RENAME_RELOAD_MS = 400;
const renameReloads = new Map<number, ReturnType<typeof setTimeout>>();

const trialsSlice: StateCreator<State, [], [], TrialsSlice> = (set, get) => ({
  trials: {},
  async loadTrials(projectId) {
    const list = await api.invoke('trials.list', { projectId });
    set({ trials: { ...get().trials, [projectId]: list } });
  },
  upsertTrial(t) {
    const loaded = get().trials[t.projectId];
    const list = loaded ?? [];
    const known = list.some((x) => x.id === t.id);
    const next = known ? list.map((x) => (x.id === t.id ? t : x)) : [t, ...list];
    set({ trials: { ...get().trials, [t.projectId]: next } });
    // A new trial can change the generated names of the others in its group (a hyperparameter
    // that now differs): read the list again, once for a burst (a study queues its whole design).
    if (!known && loaded !== undefined) {
      clearTimeout(renameReloads.get(t.projectId));
      renameReloads.set(
        t.projectId,
        setTimeout(() => void get().loadTrials(t.projectId), RENAME_RELOAD_MS),
      );
    }
  },
  async startTrial(projectId, hyperparameters, executor) {
    const t = await api.invoke('trials.start', {
      projectId,
      ...(hyperparameters ? { hyperparameters } : {}),
      ...(executor && executor.kind !== 'local' ? { executor } : {}),
    });
    get().upsertTrial(t);
    return t;
  },
  async stopTrial(id) {
    get().upsertTrial(await api.invoke('trials.stop', { id }));
  },
});

const uiSlice: StateCreator<State, [], [], UiSlice> = (set, get) => ({
  // The app opens on the Overview (the landing page): where the project stands and its next step.
  view: { kind: 'project', tab: 'overview' },
  previous: null,
  theme: (localStorage.getItem(THEME_KEY) as Theme | null) ?? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
  connected: true,
  epoch: 0,
  notice: null,
  openTrial(trialId) {
    set({ previous: get().view, view: { kind: 'trial', trialId } });
  },
  openCompare(trialIds) {
    set({ previous: get().view, view: { kind: 'compare', trialIds } });
  },
  openProject(tab = 'runs') {
    set({ previous: null, view: { kind: 'project', tab } });
  },
  openStudy(studyId) {
    set({ previous: get().view.kind === 'trial' ? null : get().view, view: { kind: 'study', studyId } });
  },
  openNewStudy(fromStudy) {
    set({ previous: get().view, view: fromStudy === undefined ? { kind: 'newStudy' } : { kind: 'newStudy', fromStudy } });
  },
  openNewProject() {
    set({ previous: get().view, view: { kind: 'newProject' } });
  },
  openSettings() {
    set({ previous: get().view, view: { kind: 'settings' } });
  },
  back() {
    const prev = get().previous;
    set({ previous: null, view: prev && prev.kind !== get().view.kind ? prev : { kind: 'project', tab: 'runs' } });
  },
  toggleTheme() {
    const theme = get().theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },
  setConnected(connected) {
    const back = connected && !get().connected;
    set({ connected, epoch: back ? get().epoch + 1 : get().epoch });
  },
  notify(kind, text) {
    set({ notice: { kind, text, at: Date.now() } });
  },
  dismissNotice() {
    set({ notice: null });
  },
});

/** The one renderer store, built from typed slices. Live metric points do not pass through it (see live/buffers). */
export const useStore = create<State>()((...a) => ({ ...projectsSlice(...a), ...trialsSlice(...a), ...uiSlice(...a) }));

/** Keeps every trial list current from the engine's events, whichever screen is open. */
export function connectEvents(): () => void {
  return api.on('trial.updated', (t) => useStore.getState().upsertTrial(t));
}
