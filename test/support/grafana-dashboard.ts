// What Grafana requires of a dashboard JSON model and of its panels (Grafana publishes no JSON schema
// to fetch at test time), and a PromQL sanity check of the panels' expressions. Each function returns
// the problems found, in words, so that a test can show them all.

/** pgbouncer_exporter's metric names, from its collector.go (v0.11+; `namespace` pgbouncer). */
export const EXPORTER_METRICS: ReadonlySet<string> = new Set([
  'pgbouncer_up',
  'pgbouncer_version_info',
  // SHOW LISTS
  ...[
    'databases',
    'users',
    'pools',
    'free_clients',
    'used_clients',
    'login_clients',
    'free_servers',
    'used_servers',
  ].map((name) => `pgbouncer_${name}`),
  'pgbouncer_cached_dns_names',
  'pgbouncer_cached_dns_zones',
  'pgbouncer_in_flight_dns_queries',
  // SHOW CONFIG
  'pgbouncer_config_max_client_connections',
  'pgbouncer_config_max_user_connections',
  // SHOW CLIENTS
  'pgbouncer_client_connections',
  // SHOW DATABASES
  ...['pool_size', 'reserve_pool', 'max_connections', 'current_connections', 'paused', 'disabled'].map(
    (name) => `pgbouncer_databases_${name}`,
  ),
  // SHOW STATS_TOTALS
  ...[
    'queries_pooled_total',
    'queries_duration_seconds_total',
    'received_bytes_total',
    'queries_total',
    'sent_bytes_total',
    'client_wait_seconds_total',
    'sql_transactions_pooled_total',
    'server_in_transaction_seconds_total',
    'client_parses_total',
    'server_parses_total',
    'binds_total',
    'server_assignments_total',
  ].map((name) => `pgbouncer_stats_totals_${name}`),
  // SHOW POOLS
  ...[
    'client_active_connections',
    'client_active_cancel_connections',
    'client_waiting_connections',
    'client_waiting_cancel_connections',
    'server_active_connections',
    'server_active_cancel_connections',
    'server_being_canceled_connections',
    'server_idle_connections',
    'server_used_connections',
    'server_testing_connections',
    'server_login_connections',
    'client_maxwait_seconds',
  ].map((name) => `pgbouncer_pools_${name}`),
]);

/** Panel types a stock Grafana (10/11) knows. */
export const PANEL_TYPES: ReadonlySet<string> = new Set([
  'row',
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'text',
  'heatmap',
  'piechart',
  'state-timeline',
  'status-history',
  'barchart',
  'histogram',
  'logs',
  'nodeGraph',
  'dashlist',
  'alertlist',
  'news',
  'annolist',
  'geomap',
  'canvas',
  'xychart',
  'trend',
  'candlestick',
  'flamegraph',
  'traces',
  'datagrid',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The problems of a dashboard model; empty when Grafana would import it as meant. */
export function dashboardProblems(model: Json): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  need(typeof model.title === 'string' && model.title !== '', 'title: a non-empty string');
  need(
    typeof model.uid === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(model.uid),
    'uid: 1-40 of [A-Za-z0-9_-]',
  );
  need(
    Number.isInteger(model.schemaVersion) && (model.schemaVersion as number) >= 36,
    'schemaVersion: 36 or later',
  );
  need(model.id === null || model.id === undefined, 'id: null (Grafana assigns it)');
  need(
    isObject(model.time) && typeof model.time.from === 'string' && typeof model.time.to === 'string',
    'time: {from, to}',
  );
  need(Array.isArray(model.panels), 'panels: an array');
  const templating = model.templating;
  const variables =
    isObject(templating) && Array.isArray(templating.list) ? (templating.list as unknown[]) : null;
  need(variables !== null, 'templating.list: an array');
  const names = new Set<string>();
  const datasourceVariables = new Set<string>();
  for (const [index, variable] of (variables ?? []).entries()) {
    const where = `templating.list[${index}]`;
    if (!isObject(variable)) {
      problems.push(`${where}: an object`);
      continue;
    }
    const name = variable.name;
    need(typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name), `${where}.name: a variable name`);
    if (typeof name === 'string') {
      need(!names.has(name), `${where}: variable '${name}' defined twice`);
      names.add(name);
    }
    need(
      ['datasource', 'query', 'custom', 'constant', 'interval', 'textbox', 'adhoc'].includes(
        String(variable.type),
      ),
      `${where}.type: a known variable type`,
    );
    need(Array.isArray(variable.options), `${where}.options: an array`);
    if (variable.type === 'datasource') {
      need(
        typeof variable.query === 'string' && variable.query !== '',
        `${where}.query: the data source type`,
      );
      if (typeof name === 'string') datasourceVariables.add(name);
    }
    if (variable.type === 'query') {
      need(isObject(variable.datasource), `${where}.datasource: a reference`);
      if (isObject(variable.datasource))
        problems.push(...referenceProblems(variable.datasource, datasourceVariables, where));
      const query = isObject(variable.query) ? variable.query.query : variable.query;
      need(typeof query === 'string' && query !== '', `${where}.query: a query`);
    }
  }
  if (!Array.isArray(model.panels)) return problems;
  const ids = new Set<number>();
  const placed: { where: string; x: number; y: number; w: number; h: number }[] = [];
  for (const [index, panel] of (model.panels as unknown[]).entries()) {
    const where = `panels[${index}]`;
    if (!isObject(panel)) {
      problems.push(`${where}: an object`);
      continue;
    }
    need(Number.isInteger(panel.id) && (panel.id as number) > 0, `${where}.id: a positive integer`);
    if (Number.isInteger(panel.id)) {
      need(!ids.has(panel.id as number), `${where}.id ${String(panel.id)} used twice`);
      ids.add(panel.id as number);
    }
    need(
      PANEL_TYPES.has(String(panel.type)),
      `${where}.type '${String(panel.type)}': not a known panel type`,
    );
    need(typeof panel.title === 'string' && panel.title !== '', `${where}.title: a non-empty string`);
    const grid = panel.gridPos;
    if (!isObject(grid) || !['h', 'w', 'x', 'y'].every((key) => Number.isInteger(grid[key]))) {
      problems.push(`${where}.gridPos: integers h, w, x, y`);
    } else {
      const [x, y, w, h] = [grid.x, grid.y, grid.w, grid.h] as number[];
      need(w >= 1 && h >= 1 && x >= 0 && y >= 0 && x + w <= 24, `${where}.gridPos: within the 24 columns`);
      for (const other of placed)
        if (x < other.x + other.w && other.x < x + w && y < other.y + other.h && other.y < y + h)
          problems.push(`${where} overlaps ${other.where}`);
      placed.push({ where, x, y, w, h });
    }
    if (panel.type === 'row') {
      need(Array.isArray(panel.panels), `${where}.panels: an array (a row's collapsed panels)`);
      continue;
    }
    if (panel.datasource !== undefined)
      problems.push(...referenceProblems(panel.datasource, datasourceVariables, `${where}.datasource`));
    const targets = panel.targets;
    if (!Array.isArray(targets) || targets.length === 0) {
      problems.push(`${where}.targets: at least one`);
      continue;
    }
    const refIds = new Set<string>();
    for (const [t, target] of (targets as unknown[]).entries()) {
      const at = `${where}.targets[${t}]`;
      if (!isObject(target)) {
        problems.push(`${at}: an object`);
        continue;
      }
      need(
        typeof target.refId === 'string' && target.refId !== '' && !refIds.has(target.refId),
        `${at}.refId: unique in the panel`,
      );
      if (typeof target.refId === 'string') refIds.add(target.refId);
      need(typeof target.expr === 'string' && target.expr !== '', `${at}.expr: a query`);
      if (target.datasource !== undefined)
        problems.push(...referenceProblems(target.datasource, datasourceVariables, `${at}.datasource`));
    }
    const defaults =
      isObject(panel.fieldConfig) && isObject(panel.fieldConfig.defaults) ? panel.fieldConfig.defaults : null;
    need(defaults !== null, `${where}.fieldConfig.defaults: an object`);
    const thresholds = defaults?.thresholds;
    if (thresholds !== undefined)
      problems.push(...thresholdProblems(thresholds, `${where}.fieldConfig.defaults.thresholds`));
  }
  return problems;
}

/** A data source reference must name a data source variable of the dashboard: `${name}` or `$name`. */
function referenceProblems(reference: unknown, variables: ReadonlySet<string>, where: string): string[] {
  if (!isObject(reference)) return [`${where}: a {type, uid} reference`];
  const uid = String(reference.uid);
  const match = /^\$\{([A-Za-z0-9_]+)\}$|^\$([A-Za-z0-9_]+)$/.exec(uid);
  const name = match?.[1] ?? match?.[2];
  if (name === undefined || !variables.has(name))
    return [`${where}: uid '${uid}' is not a data source variable of the dashboard`];
  return reference.type === 'prometheus'
    ? []
    : [`${where}: type '${String(reference.type)}', not prometheus`];
}

function thresholdProblems(thresholds: unknown, where: string): string[] {
  if (
    !isObject(thresholds) ||
    !['absolute', 'percentage'].includes(String(thresholds.mode)) ||
    !Array.isArray(thresholds.steps)
  )
    return [`${where}: {mode, steps}`];
  const steps = thresholds.steps as unknown[];
  const problems: string[] = [];
  if (!isObject(steps[0]) || steps[0].value !== null)
    problems.push(`${where}.steps[0]: the base step (value null)`);
  let last = -Infinity;
  for (const [index, step] of steps.slice(1).entries()) {
    if (!isObject(step) || typeof step.value !== 'number' || typeof step.color !== 'string') {
      problems.push(`${where}.steps[${index + 1}]: {color, value}`);
      continue;
    }
    if (step.value <= last) problems.push(`${where}.steps[${index + 1}]: values must increase`);
    last = step.value;
  }
  return problems;
}

/** Every target's expression of a dashboard, with where it is. */
export function expressionsOf(model: Json): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = [];
  for (const panel of (model.panels as Json[]) ?? [])
    for (const target of (panel.targets as Json[] | undefined) ?? [])
      found.push({
        where: `panel ${String(panel.id)} '${String(panel.title)}' ${String(target.refId)}`,
        expr: String(target.expr),
      });
  return found;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * A small check of a PromQL expression: brackets balanced outside strings, strings closed, and every
 * metric name one the exporter has. Not a parser (promtool is, where installed).
 */
export function promqlProblems(expr: string, metrics: ReadonlySet<string> = EXPORTER_METRICS): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let outside = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) problems.push(`unclosed string at ${i}`);
      outside += ' ';
      i = j;
      continue;
    }
    if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) problems.push(`unbalanced '${c}' at ${i}`);
    // Inside {...} are label names and inside [...] durations: no metric names there.
    outside += stack.includes('{') || stack.includes('[') || c === '}' || c === ']' ? ' ' : c;
  }
  if (stack.length > 0) problems.push(`unclosed '${stack.join('')}'`);
  const withoutLabelLists = outside.replace(
    /\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g,
    ' ',
  );
  for (const match of withoutLabelLists.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const after = withoutLabelLists.slice((match.index ?? 0) + word.length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(word.toLowerCase())) continue; // a function or an operator
    if (/[0-9.]$/.test(withoutLabelLists.slice(0, match.index))) continue; // 1e3, 5m
    if (!metrics.has(word)) problems.push(`'${word}' is not a metric of pgbouncer_exporter`);
  }
  return problems;
}
