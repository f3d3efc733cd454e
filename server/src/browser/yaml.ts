// The yaml package in the web-worker build. There it is only reached by the drift check of generated
// alert rules, which reads a file synchronously and is desktop only (browser-server.ts); leaving the
// parser out keeps the web bundles within their budget.

export function parse(): never {
  throw new Error('reading YAML is not available in the browser (web extension host)');
}
