// node:fs in the web-worker build. The browser server hands the engine its own file system
// (files/file-system.ts, over vscode.workspace.fs), so none of this is called there; where something
// is, it fails with a reason instead of a ReferenceError deep in a bundle.

function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser (web extension host)`);
}

// Read at module load by files/guarded-read.ts (its open flags).
export const constants = { O_RDONLY: 0, O_NONBLOCK: 0, O_NOCTTY: 0 };
export const statSync = (): never => unavailable('fs.statSync');
export const readdirSync = (): never => unavailable('fs.readdirSync');
export const openSync = (): never => unavailable('fs.openSync');
export const fstatSync = (): never => unavailable('fs.fstatSync');
export const readSync = (): never => unavailable('fs.readSync');
export const closeSync = (): never => unavailable('fs.closeSync');
export const realpathSync = (): never => unavailable('fs.realpathSync');
export const promises = {
  stat: (): Promise<never> => Promise.reject(new Error('fs.promises.stat is not available in the browser')),
  open: (): Promise<never> => Promise.reject(new Error('fs.promises.open is not available in the browser')),
  readdir: (): Promise<never> =>
    Promise.reject(new Error('fs.promises.readdir is not available in the browser')),
  realpath: (): Promise<never> =>
    Promise.reject(new Error('fs.promises.realpath is not available in the browser')),
};

export default {
  constants,
  statSync,
  readdirSync,
  openSync,
  fstatSync,
  readSync,
  closeSync,
  realpathSync,
  promises,
};
