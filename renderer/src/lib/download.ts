import type { ExportFile } from '../../../preload/contract-launch';

/**
 * Saves an exported document as a file: a Blob behind an object URL and an <a download>
 * click. Works in browser mode and in the Electron window alike (Electron turns it into a
 * download with its save dialog); the engine only returns text, never writes a path the
 * renderer chose.
 */
export function downloadFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: `${file.mimeType};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked on the next turn: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
