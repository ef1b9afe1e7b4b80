/**
 * The desktop shell: one hardened window and the IPC adapter. This is the only module that
 * imports Electron; the engine it drives runs the same under plain Node.
 */
import { app, BrowserWindow, dialog, ipcMain, shell, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { Engine } from '../engine/engine';
import { errorShape } from '../engine/errors';
import { defaultDataDir } from '../engine/paths';
import { setScriptPicker } from '../engine/handlers/projects';
import { WorkspaceError } from '../engine/store/workspaceLock';
import { IPC_EVENT, IPC_INVOKE } from '../../preload/wire';

const appRoot = join(__dirname, '..', '..');
const rendererIndex = join(appRoot, 'dist', 'renderer', 'index.html');
let engine: Engine | null = null;
let win: BrowserWindow | null = null;

/** Only our own page, in the main frame, may call the engine (VS Code's validated IPC does the same). */
function trustedSender(e: IpcMainInvokeEvent): boolean {
  const frame = e.senderFrame;
  return !!frame && frame === e.sender.mainFrame && frame.url.startsWith('file://') && e.sender === win?.webContents;
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Tunebench',
    backgroundColor: '#111418',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  void win.loadFile(rendererIndex);
}

async function main(): Promise<void> {
  await app.whenReady();
  // Deny every permission request (camera, notifications, ...): the workbench needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  engine = await Engine.open({
    dataDir: process.env.TUNEBENCH_DATA_DIR ?? defaultDataDir(),
    mode: 'desktop',
    examplesDir: join(appRoot, 'examples'),
    version: app.getVersion(),
  });
  const eng = engine;
  // New project's "Choose…": the system's dialog, so the path comes from the user's own pick.
  setScriptPicker(async () => {
    const options = { title: 'Choose the training script', properties: ['openFile' as const], filters: [{ name: 'Python', extensions: ['py'] }, { name: 'All files', extensions: ['*'] }] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  ipcMain.handle(IPC_INVOKE, async (e, method: unknown, input: unknown) => {
    if (!trustedSender(e)) throw new Error('untrusted sender');
    try {
      return { ok: true, value: await eng.invoke(method, input) };
    } catch (err) {
      return { ok: false, error: errorShape(err) };
    }
  });
  eng.subscribe((event, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
/** Long enough to commit and checkpoint what was read of each running trial (they keep running). */
const CLOSE_TIMEOUT_MS = 8000;
let closed = false;
app.on('before-quit', (e) => {
  if (closed || !engine) return;
  // Quit only once the engine has committed what it read; trials keep running under their
  // hosts and are re-attached at the next start (an update must not end a days-long run).
  e.preventDefault();
  closed = true;
  const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS));
  void Promise.race([engine.close({ detach: true }), timeout]).finally(() => app.exit(0));
});
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

main().catch((e: unknown) => {
  console.error(e);
  // A window-less app that just vanishes says nothing: the reason goes in a dialog (another
  // engine holds the workspace, or its folder cannot be written), then the app quits.
  if (e instanceof WorkspaceError) dialog.showErrorBox('Tunebench cannot open this workspace', e.message);
  else dialog.showErrorBox('Tunebench could not start', e instanceof Error ? e.message : String(e));
  app.quit();
});
