// Go to definition, find references and rename for database names.
import * as path from 'node:path';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type {
  Definition,
  Location,
  Position,
  PrepareRenameResult,
  ReferenceParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import type { LintResult } from '../analysis/engine';
import type { LoadedFile } from '../model/config';
import { isKeyChar } from '../syntax/parser';
import type { Span } from '../syntax/syntax';
import { GRAMMAR } from '../catalog/catalog';
import { nameSites, siteAt } from './navigation-names';
import type { NameSite } from './navigation-names';
import { uriOf } from './structure-model';

function locationOf(analysis: LintResult, uri: string, file: LoadedFile, span: Span): Location {
  return { uri: uriOf(file, analysis.model, uri), range: file.parsed.lineIndex.rangeOf(span) };
}

function cursorSite(analysis: LintResult, position: Position): { site?: NameSite; sites: NameSite[] } {
  const sites = nameSites(analysis.model);
  const offset = analysis.model.root.parsed.lineIndex.offsetAt(position);
  return { site: siteAt(sites, analysis.model, offset), sites };
}

/**
 * From a reference to the [databases] or [users] entry PgBouncer uses (the last definition); a
 * database missing from [databases] goes to the fallback entry '*', from which PgBouncer makes it.
 */
export function definition(uri: string, analysis: LintResult, position: Position): Definition | null {
  const { site } = cursorSite(analysis, position);
  if (!site) return null;
  const { effective } = analysis;
  const entries = site.kind === 'database' ? effective.databases : effective.users;
  let target = entries.get(site.name);
  if (!target && site.kind === 'database' && site.role === 'reference') {
    target = effective.databases.get(GRAMMAR.fallbackDatabaseName);
  }
  if (!target) return null;
  return locationOf(analysis, uri, target.at.file, target.at.entry.key.span);
}

/** Every definition of the name under the cursor (when asked) and every reference to it. */
export function references(uri: string, analysis: LintResult, params: ReferenceParams): Location[] {
  const { site, sites } = cursorSite(analysis, params.position);
  if (!site) return [];
  return sites
    .filter((other) => other.kind === site.kind && other.name === site.name)
    .filter((other) => other.role === 'reference' || params.context.includeDeclaration)
    .map((other) => locationOf(analysis, uri, other.file, other.span));
}

/** A database name under the cursor that can be renamed: not the fallback entry '*'. */
function renameable(site: NameSite | undefined): site is NameSite {
  return site !== undefined && site.kind === 'database' && site.name !== GRAMMAR.fallbackDatabaseName;
}

export function prepareRename(analysis: LintResult, position: Position): PrepareRenameResult | null {
  const { site } = cursorSite(analysis, position);
  if (!renameable(site)) return null;
  return { range: analysis.model.root.parsed.lineIndex.rangeOf(site.span), placeholder: site.name };
}

/** Why `name` cannot be the new name of a database, or null when it can. */
export function invalidDatabaseName(name: string, sites: readonly NameSite[]): string | null {
  if (name === '') return 'A database name cannot be empty.';
  const bad = [...name].find((ch) => ch.length > 1 || !isKeyChar(ch.charCodeAt(0)));
  if (bad !== undefined) {
    return `'${name}' is not a valid database name: '${bad}' is not allowed. Use letters, digits and _ . - * only.`;
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > GRAMMAR.maxDatabaseNameBytes) {
    return `'${name}' is ${bytes} bytes long; PgBouncer allows database names of at most ${GRAMMAR.maxDatabaseNameBytes} bytes.`;
  }
  if (GRAMMAR.reservedDatabaseNames.includes(name)) {
    return `'${name}' is reserved for PgBouncer's admin console and cannot name a database.`;
  }
  if (name === GRAMMAR.fallbackDatabaseName) {
    return `'${name}' is the fallback entry PgBouncer makes automatic databases from, not a database name.`;
  }
  const taken = sites.find((s) => s.kind === 'database' && s.role === 'definition' && s.name === name);
  if (taken) {
    const line = taken.file.parsed.lineIndex.lineNumberAt(taken.span.start);
    return `A database named '${name}' is already defined (${path.basename(taken.file.path)}, line ${line}).`;
  }
  return null;
}

/** Renames a database in [databases] and everywhere it is referred to, in every file of the configuration. */
export function rename(
  uri: string,
  analysis: LintResult,
  position: Position,
  newName: string,
): WorkspaceEdit | null {
  const { site, sites } = cursorSite(analysis, position);
  if (!renameable(site)) {
    throw new ResponseError(
      LSPErrorCodes.RequestFailed,
      'Only database names can be renamed: a [databases] key, an auth_dbname value or an auth_dbname= parameter.',
    );
  }
  if (newName === site.name) return { changes: {} };
  const problem = invalidDatabaseName(newName, sites);
  if (problem) throw new ResponseError(LSPErrorCodes.RequestFailed, problem);
  const changes: Record<string, TextEdit[]> = {};
  for (const other of sites) {
    if (other.kind !== 'database' || other.name !== site.name) continue;
    const location = locationOf(analysis, uri, other.file, other.span);
    (changes[location.uri] ??= []).push({ range: location.range, newText: newName });
  }
  return { changes };
}
