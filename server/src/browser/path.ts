// node:path in the web-worker build (esbuild.mjs maps the import here): POSIX paths only, which is
// what the paths of a vscode.workspace.fs URI are (see ./url.ts). Only what the engine calls.

export const sep = '/';
export const delimiter = ':';

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

/** Resolves '.', '..' and repeated slashes; keeps a leading '/' and, as Node does, a trailing one. */
export function normalize(p: string): string {
  if (p === '') return '.';
  const absolute = isAbsolute(p);
  const trailing = p.endsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  let joined = out.join('/');
  if (absolute) joined = `/${joined}`;
  if (joined === '') return absolute ? '/' : '.';
  return trailing && joined !== '/' ? `${joined}/` : joined;
}

export function join(...parts: string[]): string {
  const kept = parts.filter((part) => part !== '');
  return kept.length === 0 ? '.' : normalize(kept.join('/'));
}

/** Absolute from the right-most absolute argument; the working directory of a worker is '/'. */
export function resolve(...parts: string[]): string {
  let resolved = '';
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(resolved); i--) {
    if (parts[i] === '') continue;
    resolved = resolved === '' ? parts[i] : `${parts[i]}/${resolved}`;
  }
  const normal = normalize(`/${resolved}`);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

export function dirname(p: string): string {
  if (p === '') return '.';
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  const at = trimmed.lastIndexOf('/');
  if (at < 0) return '.';
  if (at === 0) return '/';
  return trimmed.slice(0, at);
}

export function basename(p: string, ext?: string): string {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return ext !== undefined && ext !== base && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

export function extname(p: string): string {
  const base = basename(p);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

export const posix = {
  sep,
  delimiter,
  isAbsolute,
  normalize,
  join,
  resolve,
  dirname,
  basename,
  extname,
  relative,
};
posix.toString = () => 'posix';

export default { ...posix, posix };
