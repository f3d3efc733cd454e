// Answers "what is allowed here, since which version" from schemas/pgbouncer-settings.json.
// All knowledge of individual settings lives in that file.

import data from '../../../schemas/pgbouncer-settings.json';

export type SectionName = 'pgbouncer' | 'databases' | 'users' | 'peers';
export type SettingType = 'int' | 'uint' | 'bool' | 'enum' | 'time' | 'string' | 'path' | 'list';

export interface EnumValue {
  name: string;
  addedIn: string;
  removedIn?: string;
  replacement?: string;
  deprecated?: boolean;
  buildOption?: boolean;
  description?: string;
}

export interface Setting {
  name: string;
  section: SectionName;
  type: SettingType;
  default: string | null;
  defaultNote?: string;
  defaults?: { since: string; value: string }[];
  addedIn: string;
  reloadable?: boolean;
  values?: EnumValue[];
  deprecated?: { since: string; replacement?: string; note?: string };
  platform?: string;
  unit?: string;
  range?: { min?: number; max?: number };
  zeroMeans?: string;
  required?: boolean;
  rejectZero?: boolean;
  reservedValues?: string[];
  /** Version from which reservedValues are refused (default: addedIn). */
  reservedValuesSince?: string;
  /** For paths: what PgBouncer does with it, so we know what to check. */
  pathKind?: 'input-file' | 'output-file' | 'directory' | 'none';
  reloadableHistory?: { since: string; value: boolean }[];
  recommended?: string;
  description: string;
  docUrl?: string;
}

export interface SectionInfo {
  name: SectionName;
  addedIn: string;
  required?: boolean;
  kind: 'settings' | 'connection-strings';
  description: string;
  docUrl?: string;
}

interface CatalogFile {
  docBase: string;
  releases: string[];
  sections: (SectionInfo & { docAnchor?: string })[];
  settings: (Setting & { docAnchor?: string })[];
}

const catalog = data as unknown as CatalogFile;
// The file names each link by its heading (docAnchor) and the page once (docBase): 141 copies of
// the page's address were 6 KB of the web bundles' 1 MB.
for (const item of [...catalog.sections, ...catalog.settings]) {
  if (item.docAnchor !== undefined) item.docUrl = `${catalog.docBase}#${item.docAnchor}`;
}

/** A version as numbers; a missing component means "any", e.g. 1.18 is every 1.18.x. */
export interface Version {
  label: string;
  parts: number[];
  unreleased: boolean;
}

export const UNRELEASED = 'unreleased';

export const RELEASES: readonly string[] = catalog.releases;

/** Newest released minor version, e.g. "1.25". */
export const NEWEST_RELEASE: string = (() => {
  const last = catalog.releases[catalog.releases.length - 1].split('.');
  return `${last[0]}.${last[1]}`;
})();

export function parseVersion(text: string): Version | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === UNRELEASED || trimmed === 'next' || trimmed === 'head') {
    return { label: UNRELEASED, parts: [], unreleased: true };
  }
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(trimmed);
  if (!match) return null;
  const parts = [Number(match[1]), Number(match[2])];
  if (match[3] !== undefined) parts.push(Number(match[3]));
  return { label: parts.join('.'), parts, unreleased: false };
}

/** Resolves a user-given target, accepting only versions PgBouncer has released (or "unreleased"). */
export function resolveTargetVersion(text: string): Version | null {
  const version = parseVersion(text);
  if (!version) return null;
  if (version.unreleased) return version;
  const known = RELEASES.some((release) => {
    const parts = release.split('.').map(Number);
    return version.parts.every((part, index) => (parts[index] ?? 0) === part);
  });
  return known ? version : null;
}

export const DEFAULT_TARGET: Version = parseVersion(NEWEST_RELEASE) ?? {
  label: NEWEST_RELEASE,
  parts: [],
  unreleased: false,
};

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Version strings of the catalog, as numbers. */
const versionParts = new Map<string, number[]>();

function partsOf(version: string): number[] {
  let parts = versionParts.get(version);
  if (!parts) {
    parts = version.split('.').map(Number);
    if (versionParts.size < 10_000) versionParts.set(version, parts);
  }
  return parts;
}

/** True when something added in `addedIn` exists in the target version. */
export function availableIn(addedIn: string, target: Version): boolean {
  if (addedIn === UNRELEASED) return target.unreleased;
  if (target.unreleased) return true;
  const added = partsOf(addedIn);
  // A target of 1.18 means the newest 1.18.x: compare only as many components as it has.
  for (let i = 0; i < target.parts.length; i++) {
    const x = added[i] ?? 0;
    const y = target.parts[i];
    if (x !== y) return x < y;
  }
  return true;
}

/** True when something removed in `removedIn` is already gone in the target version. */
export function removedBy(removedIn: string | undefined, target: Version): boolean {
  if (!removedIn) return false;
  if (target.unreleased) return true;
  const removed = partsOf(removedIn);
  // Gone only if even the oldest release the target can mean is at or past the removal.
  return compareParts(target.parts, removed) >= 0;
}

export function versionLabel(addedIn: string): string {
  return addedIn === UNRELEASED ? 'an unreleased PgBouncer version' : `PgBouncer ${addedIn}`;
}

const sectionsByName = new Map<string, SectionInfo>(catalog.sections.map((s) => [s.name, s]));
const settingsBySection = new Map<string, Map<string, Setting>>();
for (const setting of catalog.settings) {
  let bySection = settingsBySection.get(setting.section);
  if (!bySection) settingsBySection.set(setting.section, (bySection = new Map()));
  bySection.set(setting.name, setting);
}

export function sectionInfo(name: string): SectionInfo | undefined {
  return sectionsByName.get(name);
}

export function allSections(): readonly SectionInfo[] {
  return catalog.sections;
}

export function setting(section: SectionName, name: string): Setting | undefined {
  return settingsBySection.get(section)?.get(name);
}

export function settingsOf(section: SectionName): Setting[] {
  return [...(settingsBySection.get(section)?.values() ?? [])];
}

export function allSettings(): readonly Setting[] {
  return catalog.settings;
}

/** The default in force in the target version (some defaults changed over time). */
export function defaultFor(s: Setting, target: Version): string | null {
  if (!s.defaults) return s.default;
  let value: string | null = s.default;
  for (const entry of s.defaults) {
    if (availableIn(entry.since, target)) value = entry.value;
  }
  return value;
}

/** Levenshtein distance, or `limit + 1` as soon as it is certain to exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    let rowMinimum = previous[0];
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(
        previous[j] + 1,
        previous[j - 1] + 1,
        diagonal + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1),
      );
      diagonal = above;
      if (previous[j] < rowMinimum) rowMinimum = previous[j];
    }
    if (rowMinimum > limit) return limit + 1;
  }
  return previous[b.length];
}

interface PreparedNames {
  lower: string[];
  histograms: Int16Array[];
}

const preparedNames = new WeakMap<readonly string[], PreparedNames>();

/** Counts of characters by a small hash; half the summed difference bounds the edit distance. */
function histogram(text: string): Int16Array {
  const counts = new Int16Array(32);
  for (let i = 0; i < text.length; i++) counts[text.charCodeAt(i) & 31]++;
  return counts;
}

function histogramDistance(a: Int16Array, b: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < 32; i++) sum += Math.abs(a[i] - b[i]);
  return sum / 2;
}

/** The closest known name, for "did you mean"; exact case-insensitive matches first. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let prepared = preparedNames.get(candidates);
  if (!prepared) {
    const lower = candidates.map((c) => c.toLowerCase());
    prepared = { lower, histograms: lower.map(histogram) };
    preparedNames.set(candidates, prepared);
  }
  const lower = name.toLowerCase();
  const counts = histogram(lower);
  const allowed = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (let i = 0; i < prepared.lower.length; i++) {
    const other = prepared.lower[i];
    if (other === lower) return candidates[i];
    // Both are lower bounds of the edit distance: what they skip cannot beat the best.
    if (Math.abs(other.length - lower.length) >= bestDistance) continue;
    if (histogramDistance(counts, prepared.histograms[i]) >= bestDistance) continue;
    const distance = editDistance(lower, other, bestDistance - 1);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidates[i];
    }
  }
  return best;
}

export interface GrammarFacts {
  /** First version whose reader accepts 'single-quoted' keys. */
  quotedKeysSince: string;
  /** Database names PgBouncer refuses in [databases]. */
  reservedDatabaseNames: string[];
  /** The [databases] key that defines the fallback (autodb) connection string. */
  fallbackDatabaseName: string;
  /** Peer ids are whole numbers in this range. */
  peerIdRange: { min: number; max: number };
  /** Longest database name, in bytes. */
  maxDatabaseNameBytes: number;
  tls: {
    protocolWords: { name: string; removedIn?: string }[];
    cipherKeywords: { name: string; removedIn?: string }[];
    openSslCipherAliases: string[];
    openSslCipherSuites: string[];
    dheParams: { name: string; removedIn?: string }[];
    ecdhCurves: string[];
  };
}

export const GRAMMAR: GrammarFacts = (data as unknown as { grammar: GrammarFacts }).grammar;
