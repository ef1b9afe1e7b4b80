/**
 * Creating, renaming, duplicating and archiving projects: contract calls whose results go into
 * the one store (its project list and selection), kept apart from the store's slices so the
 * slices stay about state and these about the projects' lifecycle.
 */
import type { MethodInput, Project } from '../../../preload/contract';
import { api } from '../api/client';
import { useStore } from '../store';

function put(p: Project): void {
  const { projects } = useStore.getState();
  useStore.setState({ projects: projects.some((x) => x.id === p.id) ? projects.map((x) => (x.id === p.id ? p : x)) : [p, ...projects] });
}

/** Creates a project and opens it on its command page, where its first run starts. */
export async function createProject(input: MethodInput<'projects.create'>): Promise<Project> {
  const p = await api.invoke('projects.create', input);
  put(p);
  useStore.setState({ selectedProjectId: p.id, previous: null, view: { kind: 'project', tab: 'runs' } });
  return p;
}

export async function renameProject(id: number, name: string): Promise<Project> {
  const p = await api.invoke('projects.update', { id, patch: { name } });
  put(p);
  return p;
}

/** A copy of the project's settings, none of its history; the copy is opened. */
export async function duplicateProject(id: number): Promise<Project> {
  const p = await api.invoke('projects.duplicate', { id });
  put(p);
  useStore.setState({ selectedProjectId: p.id, previous: null, view: { kind: 'project', tab: 'runs' } });
  return p;
}

/** Archives (hides, keeps) or restores a project; an archived selection moves to the next active project. */
export async function archiveProject(id: number, archived: boolean): Promise<Project> {
  const p = await api.invoke('projects.archive', { id, archived });
  put(p);
  const { selectedProjectId, projects } = useStore.getState();
  if (archived && selectedProjectId === id) {
    const next = projects.find((x) => x.archivedAt === null && x.id !== id);
    useStore.setState({ selectedProjectId: next?.id ?? null, view: next ? { kind: 'project', tab: 'overview' } : { kind: 'newProject' } });
  }
  if (!archived) useStore.setState({ selectedProjectId: id, view: { kind: 'project', tab: 'overview' } });
  return p;
}

/** Puts a project changed elsewhere (the review's decisions) into the list. */
export function projectChanged(p: Project): void {
  put(p);
}
