// What an auth_query leaves to search_path, and whether it looks at a role's VALID UNTIL. A scan
// of the SQL text, not a parser: good enough to tell PgBouncer's default query (which leaves its
// < operator, now() and pg_authid to search_path) from a fully qualified one.

/** SQL keywords that are written like a function call but are not looked up in a schema. */
const NOT_FUNCTIONS: ReadonlySet<string> = new Set([
  'all',
  'and',
  'any',
  'array',
  'as',
  'case',
  'cast',
  'coalesce',
  'else',
  'exists',
  'extract',
  'filter',
  'from',
  'greatest',
  'in',
  'join',
  'lateral',
  'least',
  'not',
  'nullif',
  'on',
  'or',
  'over',
  'overlay',
  'position',
  'row',
  'select',
  'some',
  'substring',
  'then',
  'trim',
  'using',
  'values',
  'when',
  'where',
]);

/** Identifier: plain or double-quoted. */
const NAME = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)`;

/**
 * The operators, functions, types and relations of an auth_query that name no schema, in the
 * order found (at most `limit`): ["pg_authid", "now()", "<", "="] for 1.24.1's default query.
 */
export function unqualifiedNames(query: string, limit = 5): string[] {
  // String literals name nothing; OPERATOR(schema.op) is the qualified way to write an operator.
  // Past 10,000 characters no real query goes: the cut keeps a hostile value's scan short.
  let text = query.slice(0, 10_000).replace(/'(?:[^']|'')*'/g, "''");
  const found: string[] = [];
  const add = (name: string): void => {
    if (found.length < limit && !found.includes(name)) found.push(name);
  };
  text = text.replace(/\bOPERATOR\s*\(([^)]*)\)/gi, (_, inner: string) => {
    if (!inner.includes('.')) add(`OPERATOR(${inner.trim()})`);
    return ' ';
  });
  // Relations after FROM or JOIN (a subquery or a function call is handled below).
  for (const match of text.matchAll(new RegExp(String.raw`\b(?:FROM|JOIN)\s+(${NAME})(\s*[.(])?`, 'gi'))) {
    const name = match[1];
    if (match[2] === undefined && !NOT_FUNCTIONS.has(name.toLowerCase())) add(name);
  }
  // Function calls and casts: a name not preceded by "schema.".
  for (const match of text.matchAll(new RegExp(String.raw`(^|[^.\w"$])(${NAME})\s*\(`, 'g'))) {
    const name = match[2];
    if (!NOT_FUNCTIONS.has(name.toLowerCase())) add(`${name}()`);
  }
  for (const match of text.matchAll(new RegExp(String.raw`::\s*(${NAME})(\s*\.)?`, 'g'))) {
    if (match[2] === undefined) add(`::${match[1]}`);
  }
  // Operators: runs of operator characters; a lone * (SELECT *, count(*)) is not one.
  const bare = text.replace(/\$\d+/g, ' ').replace(/::/g, ' ');
  for (const match of bare.matchAll(/[+\-*/<>=~!@#%^&|`?]+/g)) {
    if (match[0] !== '*') add(match[0]);
  }
  return found;
}

/** True when the query mentions a role's VALID UNTIL (rolvaliduntil in pg_authid, valuntil in pg_shadow). */
export function checksValidUntil(query: string): boolean {
  return /\b(?:rol)?valuntil\b|\brolvaliduntil\b|\bvalid\s+until\b/i.test(query);
}
