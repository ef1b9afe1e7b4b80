/**
 * An engine in a process of its own, for tests that kill it (SIGKILL) and start another on the
 * same workspace: `tsx tests/helpers/engineProcess.ts DATA_DIR [PROJECT_JSON]`. With a project,
 * it creates it and starts one trial; either way it re-attaches what a previous engine left
 * running, prints one JSON line ({"ready": true, "trialId": ...}) and then lives until killed.
 * SIGTERM closes it as quitting the app does (trials detached, not stopped).
 */
import { Engine } from '../../main/engine/engine';

async function main(): Promise<void> {
  const [dataDir, projectJson] = process.argv.slice(2);
  const engine = await Engine.open({ dataDir: dataDir!, mode: 'browser', gpus: [], cpuSlots: 2 });
  let trialId: number | null = null;
  if (projectJson) trialId = engine.runner.start(engine.projects.create(JSON.parse(projectJson))).id;
  engine.subscribe((event, payload) => {
    if (event === 'trial.updated') {
      const t = payload as { id: number; status: string };
      if (t.status !== 'running' && t.status !== 'queued') process.stdout.write(`${JSON.stringify({ ended: t.id, status: t.status })}\n`);
    }
  });
  process.stdout.write(`${JSON.stringify({ ready: true, trialId, running: engine.runner.running().map((r) => r.trialId) })}\n`);
  process.on('SIGTERM', () => {
    void engine.close({ detach: true }).then(() => process.exit(0));
  });
  setInterval(() => {}, 60_000);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
