import { useEffect } from 'react';
import { onConnectionChange, onProtocolError } from './api/client';
import { Sidebar } from './components/Sidebar';
import { ProjectPage } from './pages/ProjectPage';
import { TrialPage } from './pages/TrialPage';
import { StudiesPage } from './pages/StudiesPage';
import { StudyPage } from './pages/StudyPage';
import { StudyDesigner } from './pages/StudyDesigner';
import { Notices } from './components/Notices';
import { SettingsPage } from './pages/SettingsPage';
import { OverviewPage } from './pages/OverviewPage';
import { LaunchPage } from './pages/LaunchPage';
import { JournalPage } from './pages/JournalPage';
import { WizardPage } from './wizard/WizardPage';
import { NewProjectPage } from './projects/NewProjectPage';
import { ComparePage } from './trials/ComparePage';
import { connectEvents, useStore } from './store';
import { applyInitialHash, connectRouter } from './store/router';

export function App() {
  const theme = useStore((s) => s.theme);
  const view = useStore((s) => s.view);
  const projects = useStore((s) => s.projects);
  const selectedId = useStore((s) => s.selectedProjectId);
  const epoch = useStore((s) => s.epoch);

  useEffect(() => {
    const { loadProjects, setConnected, notify } = useStore.getState();
    onConnectionChange((c) => {
      setConnected(c);
      if (!c) return;
      // Events sent while the socket was down are lost: read the state again.
      void loadProjects().then(() => {
        const { selectedProjectId, loadTrials } = useStore.getState();
        if (selectedProjectId !== null) void loadTrials(selectedProjectId);
      });
    });
    onProtocolError((message) => notify('error', `The workbench could not read a request: ${message}`));
    const initialHash = window.location.hash;
    let offRouter = () => {};
    let unmounted = false;
    loadProjects()
      .then(() => {
        applyInitialHash(initialHash);
        // The address follows the app from here on (connected after the load, so loading is no history entry).
        if (!unmounted) offRouter = connectRouter();
      })
      .catch((e: Error) => notify('error', `Could not load the workspace: ${e.message}`));
    const offEvents = connectEvents();
    return () => {
      unmounted = true;
      offRouter();
      offEvents();
    };
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const project = projects.find((p) => p.id === selectedId);
  return (
    <div className="app">
      <Sidebar />
      <div className="main-column">
        <main className="main">
          {view.kind === 'settings' ? (
            <SettingsPage />
          ) : view.kind === 'newProject' ? (
            <NewProjectPage />
          ) : view.kind === 'trial' ? (
            <TrialPage key={`${view.trialId}:${epoch}`} trialId={view.trialId} />
          ) : view.kind === 'compare' ? (
            <ComparePage key={`${view.trialIds.join(',')}:${epoch}`} trialIds={view.trialIds} />
          ) : view.kind === 'study' ? (
            <StudyPage key={`${view.studyId}:${epoch}`} studyId={view.studyId} />
          ) : !project ? (
            <div className="page">
              <p className="empty">{projects.length === 0 ? 'Loading the workspace…' : 'Choose a project on the left, or start a new one.'}</p>
            </div>
          ) : view.kind === 'newStudy' ? (
            <StudyDesigner key={`${project.id}-${view.fromStudy ?? ''}`} project={project} fromStudy={view.fromStudy} />
          ) : view.tab === 'overview' ? (
            <OverviewPage project={project} />
          ) : view.tab === 'wizard' ? (
            <WizardPage key={project.id} project={project} />
          ) : view.tab === 'launch' ? (
            <LaunchPage project={project} />
          ) : view.tab === 'journal' ? (
            <JournalPage project={project} />
          ) : view.tab === 'studies' ? (
            <StudiesPage project={project} />
          ) : project ? (
            <ProjectPage project={project} />
          ) : (
            <div className="page">
              <p className="empty">{projects.length === 0 ? 'Loading the workspace…' : 'Choose a project on the left.'}</p>
            </div>
          )}
        </main>
        <Notices />
      </div>
    </div>
  );
}
