// The layers of the language server, the CLI and the extension (issue #12), checked by
// `npm run depcheck` (scripts/depcheck.mjs) over server/src and client/src; tests may import anything.
// Bottom to top: a file may import from its own layer and the layers below it, never from one above.
// Type-only imports count: a type is a dependency too.

/** From the bottom up; a file belongs to the first layer whose path matches (rules/support before rules). */
const LAYERS = [
  {
    name: 'browser',
    holds:
      'stand-ins for the Node built-ins the engine imports, put in their place by esbuild in the web-worker build: they import nothing',
    path: '^server/src/browser/',
  },
  {
    name: 'incremental',
    holds:
      "the DocumentCache that layers keep their parts of a document's analyses in, and the interning table: mechanism only",
    path: '^server/src/incremental/',
  },
  {
    name: 'catalog',
    holds: "PgBouncer's settings, sections, releases and how it reads values: data, no analysis",
    path: '^server/src/catalog/',
  },
  {
    name: 'syntax',
    holds: 'the parser: text to items, spans, connection strings; LineIndex',
    path: '^server/src/syntax/',
  },
  {
    name: 'findings',
    holds: 'the Finding, Fix and TextEdit types every analysis reports in',
    path: '^server/src/findings/',
  },
  {
    name: 'files',
    holds: 'guarded reading of files, the read budget, text decoding, atomic writes',
    path: '^server/src/files/',
  },
  {
    name: 'model',
    holds: 'a configuration loaded with its %includes, the effective configuration, pools, edits',
    path: '^server/src/model/',
  },
  {
    name: 'checks',
    holds: "PgBouncer's own checks: what it would refuse or misread",
    path: '^server/src/checks/',
  },
  {
    name: 'rules/support',
    holds: 'the Rule interface and RuleContext (rules/rule.ts) and the helpers rules share',
    path: '^server/src/rules/(support/|rule\\.ts$)',
  },
  {
    name: 'rules',
    holds: 'the audit rules, one per file, and their list (rules/index.ts)',
    path: '^server/src/rules/',
  },
  {
    name: 'analysis',
    holds: 'lintText and what runs around it: options, project file, severities, suppressions, fixes',
    path: '^server/src/analysis/',
  },
  {
    name: 'deployment/read',
    holds:
      'the readers of a deployment: YAML with positions, .env files, compose, Kubernetes, application configs, connection URLs, PgBouncer images configured by environment',
    path: '^server/src/deployment/read/',
  },
  {
    name: 'deployment',
    holds: 'the deployment of a folder (PgBouncers, services, their connection URLs) and its audit rules',
    path: '^server/src/deployment/',
  },
  {
    name: 'monitoring',
    holds:
      "what watches a configuration: Prometheus alerting rules and a Grafana dashboard for pgbouncer_exporter's metrics, derived from the effective configuration, and the drift check",
    path: '^server/src/monitoring/',
  },
  {
    name: 'protocol, settings',
    holds: 'what the editor side shares: protocol.ts, settings.ts, client-settings.ts',
    path: '^server/src/(protocol|settings|client-settings)\\.ts$',
  },
  {
    name: 'userlist, report',
    holds: 'the analysis of userlist.txt, and the Markdown audit report',
    path: '^server/src/(userlist|report)/',
  },
  {
    name: 'cli',
    holds: 'pgbouncer-lint: cli.ts and cli/',
    path: '^server/src/cli(/|\\.ts$)',
  },
  {
    name: 'features',
    holds: 'the LSP features, as functions of a document and its analysis',
    path: '^server/src/features/',
  },
  {
    name: 'client-support',
    holds: 'what the extension needs of the engine, as purpose-made functions (reload facts, outline)',
    path: '^server/src/client-support/',
  },
  {
    name: 'server.ts',
    holds: 'the LSP wiring (language-server.ts) and the Node and web-worker servers around it',
    path: '^server/src/(server|language-server|browser-server)\\.ts$',
  },
  {
    name: 'api.ts',
    holds: 'what the extension (client/) may use of the server side',
    path: '^server/src/api\\.ts$',
  },
];

const paths = (layers) => layers.map((layer) => layer.path);

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer ${layer.name}`,
  comment: `${layer.name} holds ${layer.holds}; it may not import from a layer above it.`,
  severity: 'error',
  from: { path: layer.path, pathNot: paths(LAYERS.slice(0, index)) },
  to: { path: paths(LAYERS.slice(index + 1)), pathNot: paths(LAYERS.slice(0, index + 1)) },
}));

/** A rule file: in rules/, but not rules/support/, rules/rule.ts or the list rules/index.ts. */
const RULE_FILE = '^server/src/rules/(?!support/|rule\\.ts$|index\\.ts$)[^/]+\\.ts$';

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'rule imports a rule',
      comment: 'A rule may use rules/support/, rules/rule.ts and the layers below, not another rule.',
      severity: 'error',
      from: { path: RULE_FILE },
      to: { path: ['^server/src/rules/index\\.ts$', RULE_FILE] },
    },
    {
      name: 'client imports the server',
      comment: 'The extension (client/) uses the server side through server/src/api.ts only.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/', pathNot: '^server/src/api\\.ts$' },
    },
    {
      name: 'server imports the client',
      comment: 'Nothing under server/src depends on the extension.',
      severity: 'error',
      from: { path: '^server/src/' },
      to: { path: '^client/' },
    },
    {
      name: 'no circular',
      comment: 'No import cycles, within a layer either.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'file in no layer',
      comment: 'Every file under server/src belongs to a layer: add a new folder to LAYERS.',
      severity: 'error',
      from: { path: '^server/src/', pathNot: paths(LAYERS) },
      to: {},
    },
    {
      name: 'unresolvable',
      comment: 'An import the check cannot follow would pass every rule unseen (vscode: the editor has it).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      // browser: the web extension's client and server import the packages' browser entries.
      conditionNames: ['import', 'require', 'node', 'browser', 'default'],
    },
  },
};
