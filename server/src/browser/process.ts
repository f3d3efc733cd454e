// The `process` global in the web-worker build (esbuild `inject`): a worker has none, and the engine
// asks it only for a working directory (an untitled document's path) and OpenSSL's version.
export const process = {
  cwd: (): string => '/',
  env: {} as Record<string, string | undefined>,
  versions: {} as Record<string, string | undefined>,
  platform: 'browser',
};
