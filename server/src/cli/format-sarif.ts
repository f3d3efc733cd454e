// SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers: one run, every check as a rule,
// one result per finding. Only properties defined by the SARIF 2.1.0 schema are written (its objects
// allow no others); custom data goes into property bags.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import packageJson from '../../../package.json';
import { DESCRIPTIONS } from '../analysis/descriptions';
import { DEPLOYMENT_DESCRIPTIONS } from '../deployment/descriptions';
import type { Description } from '../analysis/descriptions';
import type { CheckInfo, Severity } from '../findings/finding';
import { pathUnder, STDIN_NAME } from './diagnostics';
import type { CliDiagnostic, CliLocation } from './diagnostics';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
export const TOOL_NAME = 'pgbouncer-lint';
/** The uriBaseId of every file under the current directory. */
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: SarifArtifactLocation; region?: SarifRegion };
  message?: SarifMessage;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
  helpUri?: string;
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
}

export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
}

export interface SarifLog {
  $schema: string;
  version: string;
  runs: [
    {
      tool: {
        driver: {
          name: string;
          informationUri: string;
          version: string;
          semanticVersion: string;
          rules: SarifRule[];
        };
      };
      invocations: { executionSuccessful: boolean; toolExecutionNotifications?: SarifNotification[] }[];
      originalUriBaseIds: Record<string, SarifArtifactLocation>;
      columnKind: 'utf16CodeUnits';
      results: SarifResult[];
    },
  ];
}

/** A problem that kept a file from being linted (it is also reported on stderr). */
export interface SarifToolNotification {
  message: string;
  /** The file as given on the command line (STDIN_NAME for '-'). */
  file?: string;
}

export interface SarifOptions {
  /** Directory file URIs are relative to (the %SRCROOT% base). */
  cwd: string;
  /** False when a file could not be read. */
  executionSuccessful?: boolean;
  notifications?: readonly SarifToolNotification[];
}

interface PackageInfo {
  name: string;
  version: string;
  publisher?: string;
  homepage?: string;
  repository?: string | { url?: string };
}

const PACKAGE = packageJson as PackageInfo;

export function toolVersion(): string {
  return PACKAGE.version;
}

/** Where to learn about the tool: package.json's homepage or repository, else its Marketplace page. */
export function informationUri(pkg: PackageInfo = PACKAGE): string {
  const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const candidates = [pkg.homepage, repository?.replace(/^git\+/, '').replace(/\.git$/, '')];
  const found = candidates.find((uri) => uri !== undefined && /^https?:\/\//.test(uri));
  if (found) return found;
  return `https://marketplace.visualstudio.com/items?itemName=${encodeURIComponent(`${pkg.publisher ?? pkg.name}.${pkg.name}`)}`;
}

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** 'bool-not-0-or-1' -> 'BoolNot0Or1'. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (ch) => `\\${ch}`);
}

const VERSION_RULES = new Set(['newer-than-target', 'removed-value', 'platform-specific', 'deprecated']);

export function ruleTags(check: CheckInfo & Partial<Pick<Description, 'category' | 'kind'>>): string[] {
  const tags = ['pgbouncer', 'configuration'];
  if (check.kind === 'rule') {
    tags.push(
      check.category === 'Security' || check.category === 'Authentication' ? 'security' : 'reliability',
    );
    if (check.category) tags.push(check.category.toLowerCase().replace(/ /g, '-'));
  } else {
    tags.push(check.severity === 'error' ? 'correctness' : 'maintainability');
  }
  if (VERSION_RULES.has(check.id)) tags.push('compatibility');
  return [...new Set(tags)];
}

export function sarifRule(
  check: CheckInfo & Partial<Pick<Description, 'category' | 'kind' | 'link'>>,
): SarifRule {
  const rule: SarifRule = {
    id: check.id,
    name: pascalCase(check.id),
    shortDescription: { text: check.title },
    fullDescription: { text: check.help, markdown: escapeMarkdown(check.help) },
    help: { text: check.help, markdown: escapeMarkdown(check.help) },
    defaultConfiguration: { level: sarifLevel(check.severity) },
    properties: { tags: ruleTags(check) },
  };
  if (check.link) rule.helpUri = check.link;
  return rule;
}

/** A relative URI reference (path segments percent-encoded, '/' between them). */
function relativeUri(relativePath: string): string {
  return relativePath.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/**
 * Files under cwd: a relative URI against %SRCROOT%, which GitHub maps to the repository. Files elsewhere:
 * an absolute file: URI. Standard input: its name, with no base.
 */
export function artifactLocation(
  location: Pick<CliLocation, 'file' | 'absolutePath'>,
  cwd: string,
): SarifArtifactLocation {
  if (location.absolutePath === null) return { uri: relativeUri(location.file) };
  const relative = pathUnder(cwd, location.absolutePath);
  if (relative === null) return { uri: pathToFileURL(location.absolutePath).href };
  return { uri: relativeUri(relative), uriBaseId: SRCROOT };
}

function region(location: CliLocation): SarifRegion {
  return {
    startLine: Math.max(1, location.line),
    startColumn: Math.max(1, location.column),
    endLine: Math.max(1, location.endLine),
    endColumn: Math.max(1, location.endColumn),
  };
}

/** Stable across runs while the rule, the file and the text of the line stay the same. */
export function lineHash(ruleId: string, uri: string, lineText: string): string {
  return createHash('sha256').update(`${ruleId}\0${uri}\0${lineText.trim()}`).digest('hex').slice(0, 16);
}

export function buildSarif(diagnostics: readonly CliDiagnostic[], options: SarifOptions): SarifLog {
  const rules = [...DESCRIPTIONS, ...DEPLOYMENT_DESCRIPTIONS].map(sarifRule);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const occurrences = new Map<string, number>();

  const results = diagnostics.map((d): SarifResult => {
    let index = ruleIndex.get(d.code);
    if (index === undefined) {
      // A check missing from CHECKS still gets a rule, so that ruleIndex always points at one.
      index = rules.push(sarifRule({ id: d.code, severity: d.severity, title: d.code, help: d.code })) - 1;
      ruleIndex.set(d.code, index);
    }
    const artifact = artifactLocation(d, options.cwd);
    const hash = lineHash(d.code, artifact.uri, d.lineText);
    const occurrence = (occurrences.get(hash) ?? 0) + 1;
    occurrences.set(hash, occurrence);
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: index,
      level: sarifLevel(d.severity),
      // The advisory's page, as a link the viewers that render Markdown (GitHub code scanning) show.
      message:
        d.link !== undefined
          ? { text: d.message, markdown: `${d.message} [More](${d.link})` }
          : { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: artifact, region: region(d) } }],
      partialFingerprints: { primaryLocationLineHash: `${hash}:${occurrence}` },
    };
    if (d.related.length > 0) {
      result.relatedLocations = d.related.map((related, id) => ({
        id,
        physicalLocation: {
          artifactLocation: artifactLocation(related, options.cwd),
          region: region(related),
        },
        message: { text: related.message },
      }));
    }
    return result;
  });

  const notifications = (options.notifications ?? []).map((n): SarifNotification => ({
    level: 'error',
    message: { text: n.message },
    ...(n.file === undefined
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(
                  {
                    file: n.file,
                    absolutePath: n.file === STDIN_NAME ? null : path.resolve(options.cwd, n.file),
                  },
                  options.cwd,
                ),
              },
            },
          ],
        }),
  }));

  const base = pathToFileURL(options.cwd).href;
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: informationUri(),
            version: toolVersion(),
            semanticVersion: toolVersion(),
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: options.executionSuccessful ?? true,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: base.endsWith('/') ? base : `${base}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(diagnostics: readonly CliDiagnostic[], options: SarifOptions): string {
  return JSON.stringify(buildSarif(diagnostics, options), null, 2) + '\n';
}
