import { useCallback, useEffect, useState } from 'react';
import type { StudyListItem, StudyWithProgress } from '../../../preload/contract';
import { api } from '../api/client';

/**
 * A project's studies with their progress, kept current: progress changes when one of their
 * trials changes status, so each trial event of the project triggers a (cheap) refetch.
 */
export function useStudies(projectId: number): { studies: StudyListItem[] | null; reload: () => void } {
  const [studies, setStudies] = useState<StudyListItem[] | null>(null);
  const reload = useCallback(() => {
    void api.invoke('studies.list', { projectId }).then(setStudies);
  }, [projectId]);
  useEffect(() => {
    reload();
    return api.on('trial.updated', (t) => {
      if (t.projectId === projectId && t.studyId !== null) reload();
    });
  }, [projectId, reload]);
  return { studies, reload };
}

/** One study with progress, kept current the same way. */
export function useStudy(studyId: number): { study: StudyWithProgress | null; reload: () => void } {
  const [study, setStudy] = useState<StudyWithProgress | null>(null);
  const reload = useCallback(() => {
    void api.invoke('studies.get', { id: studyId }).then(setStudy);
  }, [studyId]);
  useEffect(() => {
    reload();
    return api.on('trial.updated', (t) => {
      if (t.studyId === studyId) reload();
    });
  }, [studyId, reload]);
  return { study, reload };
}
