import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { themedShots, useWorkbench } from '../helpers/workbench';
import { call, wsOpen } from '../helpers/ws';

/**
 * Issue 11's statistics as a researcher meets them: a "Nesterov vs Adam" study whose importance
 * bars tell its hyperparameters apart (fANOVA), a journal that never calls the scientific
 * optimizer a candidate to fix, and a Launch page whose p-value, interval and probability say
 * what they mean. Screenshots at 1280×720 and 1920×1080, light and dark.
 */
const wb = useWorkbench();
let ws: WebSocket;

async function api<T>(method: string, input: unknown): Promise<T> {
  const r = await call(ws, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
  return r.value as T;
}

async function until<T>(what: string, ms: number, get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const shots = (name: string, locator: string) => themedShots(wb, name, locator);

interface Importance {
  importances: { hyperparameter: string; role: string; importance: number }[];
  trials: number;
  unavailable: string | null;
}

describe('statistics in words a statistician would sign, in the browser', () => {
  let projectId = 0;
  let studyId = 0;

  it('runs a Nesterov vs Adam study whose importance tells the hyperparameters apart', async () => {
    await wb.open();
    const port = new URL(wb.served.origin).port;
    ws = await wsOpen(`ws://127.0.0.1:${port}/ws?token=${wb.served.token}`, wb.served.origin);
    const [project] = await api<{ id: number; hyperparameters: Record<string, unknown> }[]>('projects.list', {});
    projectId = project!.id;
    // Short runs keep the seeds quick on a CPU: the incumbent is the project's own configuration.
    await api('projects.update', { id: projectId, patch: { hyperparameters: { ...project!.hyperparameters, max_steps: 150 } } });
    const study = await api<{ id: number }>('studies.create', {
      projectId,
      name: 'Nesterov vs Adam',
      goal: 'Does Adam beat Nesterov momentum at 150 steps?',
      space: { optimizer: { type: 'categorical', values: ['nesterov', 'adam'] }, lr: { type: 'log', min: 1e-4, max: 0.3 } },
      roles: { optimizer: 'scientific', lr: 'nuisance' },
      fixed: { batch_size: 64, max_steps: 150, eval_every: 50, log_every: 25 },
      objectiveMetric: 'val_error',
      objectiveGoal: 'minimize',
      budget: 12,
      seed: 3,
      concurrency: 2,
    });
    studyId = study.id;
    await until('the study ends', 400_000, () => api<{ status: string }>('studies.get', { id: studyId }), (s) => s.status === 'done');
    const analysis = await api<{ importance: Importance }>('studies.analysis', { id: studyId });
    const imp = analysis.importance;
    expect(imp.unavailable).toBeNull();
    expect(imp.importances.map((i) => i.hyperparameter).sort()).toEqual(['lr', 'optimizer']);
    // Bars that differ: not every hyperparameter at the same share.
    const shares = imp.importances.map((i) => i.importance);
    expect(Math.max(...shares) - Math.min(...shares)).toBeGreaterThan(0.05);
    expect(imp.importances.find((i) => i.hyperparameter === 'optimizer')!.role).toBe('scientific');

    await wb.page.locator('[data-nav=studies]').click();
    await wb.page.getByText('Nesterov vs Adam').first().click();
    await wb.page.getByTestId('analysis').waitFor({ timeout: 30_000 });
    await wb.page.locator('[data-testid=importance] canvas').waitFor();
    await expect(wb.page.getByTestId('importance-method').textContent()).resolves.toMatch(
      new RegExp(`fANOVA on a random forest \\(64 trees\\) fitted to the ${imp.trials} feasible trials: each bar is the share of the variance of val_error`),
    );
    await shots('stats-importance', '[data-testid=importance]');
  }, 480_000);

  it('never calls the scientific optimizer a candidate to fix in the journal', async () => {
    const journal = await api<{ studies: { id: number; sensitivity: { name: string; role: string; note: string }[]; sensitivityNote: string | null }[] }>('journal.get', { projectId });
    const s = journal.studies.find((x) => x.id === studyId)!;
    const optimizer = s.sensitivity.find((x) => x.name === 'optimizer');
    expect(optimizer?.role).toBe('scientific');
    expect(optimizer!.note).not.toMatch(/a candidate to fix in later studies/);
    await wb.page.locator('[data-nav=journal]').click();
    await wb.page.locator('[data-sensitivity=optimizer]').waitFor();
    await expect(wb.page.locator('[data-sensitivity=optimizer]').textContent()).resolves.toMatch(/optimizer \(scientific\)/);
    await shots('stats-journal', '[data-sensitivity=optimizer]');
  });

  it('shows the p-value, the interval and a labelled Bayesian probability with what each means', async () => {
    const rows = await api<{ id: number; best: number | null }[]>('studies.trials', { id: studyId });
    const best = rows.filter((r) => r.best !== null).sort((a, b) => a.best! - b.best!)[0]!;
    const candidate = await api<{ id: number }>('launch.promote', { trialId: best.id });
    await api('launch.runSeeds', { candidateId: candidate.id, seeds: 3 });
    await until(
      'the seeds end',
      400_000,
      () => api<{ comparison: unknown; comparisonNote: string | null }>('launch.view', { candidateId: candidate.id }),
      (v) => v.comparison !== null && v.comparisonNote === null,
    );
    await wb.page.locator('[data-nav=launch]').click();
    await wb.page.locator('[data-testid=candidates] [data-candidate]').first().click().catch(() => undefined);
    await wb.page.getByTestId('launch-stats').waitFor({ timeout: 30_000 });
    const stats = (await wb.page.getByTestId('launch-stats').textContent()) ?? '';
    expect(stats).not.toMatch(/P\(candidate better\)|truly better|almost certainly/);
    expect(stats).toMatch(/p-value \(Welch, two-sided/);
    expect(stats).toMatch(/Bayesian P\(candidate’s mean better\)/);
    const reading = (await wb.page.getByTestId('reading').textContent()) ?? '';
    if (/Every rerun of each configuration gave the same value/.test(reading)) {
      // Seeds that do not reach the script: no probability at all, rather than a false 100%.
      await expect(wb.page.getByTestId('p-improvement').textContent()).resolves.toBe('—');
    } else {
      expect(reading).toMatch(/95% confidence interval of the improvement: .* \(Welch\)\. It (lies above|lies below|includes) zero/);
      await expect(wb.page.locator('[data-meaning="p-value"]').textContent()).resolves.toMatch(/It is not the probability that the candidate is better or worse/);
      const probability = (await wb.page.getByTestId('p-improvement').textContent()) ?? '';
      expect(probability).not.toMatch(/^100%$/);
      if (probability === '—') {
        // One side's runs all gave the same val_error (a count of errors over a small validation
        // set can repeat exactly): the model has no spread for it, and says so instead of a number.
        await expect(wb.page.getByTestId('posterior-note').textContent()).resolves.toMatch(/^No posterior probability: every (candidate|incumbent) run gave the same val_error/);
      } else {
        await expect(wb.page.locator('[data-meaning="posterior probability"]').textContent()).resolves.toMatch(/noninformative prior p\(μ, σ\) ∝ 1\/σ/);
      }
    }
    await shots('stats-launch', '[data-testid=launch-stats]');
  }, 480_000);
});
