import { create } from 'zustand';
import { api } from '../api/client';
import { useStore } from '../store';

/** Which launch candidate the Launch section shows (kept apart from the app store: only the launch screens read it). */
export const useLaunchSelection = create<{ candidateId: number | null; select(id: number | null): void }>()((set) => ({
  candidateId: null,
  select: (candidateId) => set({ candidateId }),
}));

/**
 * Promotes a trial to a launch candidate against the current baseline and opens it in the
 * Launch section of its project. Errors (a trial that did not finish, the incumbent's own
 * config) are shown as the app's notice.
 */
export async function promoteTrial(trialId: number): Promise<void> {
  const { notify, selectProject, openProject, selectedProjectId } = useStore.getState();
  try {
    const c = await api.invoke('launch.promote', { trialId });
    useLaunchSelection.getState().select(c.id);
    if (selectedProjectId !== c.projectId) selectProject(c.projectId);
    openProject('launch');
  } catch (e) {
    notify('error', (e as Error).message);
  }
}
