/**
 * Handlers of the launch panel and the journal (preload/contract-launch.ts), merged into the
 * engine's handler map in main/engine/handlers.ts.
 */
import type { launchMethods } from '../../../preload/contract-launch';
import { ApiError } from '../errors';
import type { HandlersFor } from '../handlerTypes';
import { LaunchService } from '../launch/launchService';
import { buildJournal } from '../launch/journalService';
import { decisionMarkdown, journalMarkdown } from '../../playbook/journal/markdown';

/** A file name from a project name: letters, digits and dashes only, so every file system takes it. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'project';
}

/** What the journal reads of each study: its verdicts and its analysis's importance (computed off the engine's thread where new). */
const JOURNAL_ANSWERS = ['verdicts', 'analysis'] as const;

export const launchHandlers: HandlersFor<keyof typeof launchMethods> = {
  'launch.baseline': (e, { projectId }) => {
    const s = LaunchService.of(e);
    const p = s.project(projectId);
    return { baseline: s.baseline(p), staleStudies: s.staleStudies(p) };
  },
  'launch.promote': (e, { trialId }) => LaunchService.of(e).promote(trialId),
  'launch.candidates': (e, { projectId }) => {
    const s = LaunchService.of(e);
    return s.candidates.list(s.project(projectId).id);
  },
  'launch.view': (e, { candidateId }) => LaunchService.of(e).view(candidateId),
  'launch.runSeeds': (e, { candidateId, seeds }) => LaunchService.of(e).runSeeds(candidateId, seeds),
  'launch.decide': (e, { candidateId, kind, rationale }) => LaunchService.of(e).decide(candidateId, kind, rationale),
  'launch.exportDecision': (e, { decisionId, format }) => {
    const d = e.decisions.get(decisionId);
    if (!d) throw new ApiError(`decision #${decisionId} does not exist`);
    const p = LaunchService.of(e).project(d.projectId);
    const base = `${slug(p.name)}-${d.kind === 'launch' ? `launch-${d.launchNumber}` : `decision-${d.id}`}`;
    return format === 'json'
      ? { filename: `${base}.json`, mimeType: 'application/json', text: JSON.stringify(d, null, 2) + '\n' }
      : { filename: `${base}.md`, mimeType: 'text/markdown', text: decisionMarkdown(d) };
  },
  'journal.get': async (e, { projectId }) => {
    const s = LaunchService.of(e);
    const p = s.project(projectId);
    await e.prepareStudyAnswers(p.id, JOURNAL_ANSWERS);
    return buildJournal(e, s, p);
  },
  'journal.export': async (e, { projectId, format }) => {
    const s = LaunchService.of(e);
    const p = s.project(projectId);
    await e.prepareStudyAnswers(p.id, JOURNAL_ANSWERS);
    const j = buildJournal(e, s, p);
    const base = `${slug(j.project.name)}-journal`;
    return format === 'json'
      ? { filename: `${base}.json`, mimeType: 'application/json', text: JSON.stringify(j, null, 2) + '\n' }
      : { filename: `${base}.md`, mimeType: 'text/markdown', text: journalMarkdown(j) };
  },
  'journal.addQuestion': (e, { projectId, studyId, text }) => {
    const s = LaunchService.of(e);
    const p = s.project(projectId);
    if (studyId !== undefined && e.studies.get(studyId)?.projectId !== p.id) throw new ApiError(`study #${studyId} is not a study of project "${p.name}"`);
    return s.questions.add(p.id, studyId ?? null, text);
  },
  'journal.resolveQuestion': (e, { id, answer }) => {
    const s = LaunchService.of(e);
    if (!s.questions.get(id)) throw new ApiError(`open question ${id} does not exist`);
    return s.questions.resolve(id, answer || null)!;
  },
};
