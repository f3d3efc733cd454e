// node:url in the web-worker build. There the documents are not file: URIs but whatever file system
// VS Code offers (vscode-vfs://github/owner/repo/..., vscode-remote://host/...); the engine works on
// paths. A path is the URI's path, and the way back adds the scheme and authority of the URI that
// path was learned from (the longest known folder containing it), so that a link, an %include or a
// related location in another file names a URI of the same file system.

const bases = new Map<string, string>();
let lastBase = 'file://';

function folderOf(p: string): string {
  return p.endsWith('/') ? p : p.slice(0, p.lastIndexOf('/') + 1) || '/';
}

export function fileURLToPath(uri: string | URL): string {
  const text = String(uri);
  const match = /^([a-z][\w+.-]*:\/\/[^/?#]*)([^?#]*)/i.exec(text);
  if (!match || /^untitled:/i.test(text)) throw new TypeError(`Not a URI of a file system: ${text}`);
  const filePath = decodeURIComponent(match[2] || '/');
  lastBase = match[1];
  bases.set(folderOf(filePath), match[1]);
  return filePath;
}

function baseOf(filePath: string): string {
  let best = '';
  let found = lastBase;
  for (const [folder, base] of bases) {
    if (folder.length > best.length && filePath.startsWith(folder)) {
      best = folder;
      found = base;
    }
  }
  return found;
}

export function pathToFileURL(filePath: string): URL {
  const encoded = filePath
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return new URL(`${baseOf(filePath)}${encoded.startsWith('/') ? '' : '/'}${encoded}`);
}

export default { fileURLToPath, pathToFileURL };
