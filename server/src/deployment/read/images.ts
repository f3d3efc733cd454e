// PgBouncer containers: which image a workload runs, which PgBouncer release its tag names, and the
// pgbouncer.ini (and userlist) that the edoburu and bitnami images write from their environment.
// The models are in images/edoburu.ts and images/bitnami.ts, each citing the upstream files read.

import type { EnvVar } from './types';
import { bitnamiConfig } from './images/bitnami';
import { edoburuConfig } from './images/edoburu';
import type { GeneratedConfig } from './images/common';

export type { GeneratedConfig, GeneratedFile, StartupError, ValueSource } from './images/common';
export { BITNAMI_INI } from './images/bitnami';
export { EDOBURU_INI } from './images/edoburu';

export type PgBouncerFlavour = 'edoburu' | 'bitnami' | 'pgbouncer' | 'other-pgbouncer';

export interface PgBouncerImage {
  /**
   * edoburu/pgbouncer and bitnami/pgbouncer are configured by environment variables;
   * pgbouncer/pgbouncer and any other image named for PgBouncer by a mounted file only.
   */
  flavour: PgBouncerFlavour;
  /** PgBouncer's version from the tag ('1.23.1'); undefined for latest, no tag or a digest alone. */
  release?: string;
}

/** Repositories (without registry) of the images we model; mirrors and renamed copies included. */
const KNOWN: Record<string, PgBouncerFlavour> = {
  'edoburu/pgbouncer': 'edoburu',
  'bitnami/pgbouncer': 'bitnami',
  // Bitnami moved its public images to bitnamilegacy in 2025; the scripts are the same.
  'bitnamilegacy/pgbouncer': 'bitnami',
  'bitnamisecure/pgbouncer': 'bitnami',
  'pgbouncer/pgbouncer': 'pgbouncer',
};

/** Registry hosts: a first path part with a dot or a port, or localhost (Docker's rule). */
function isRegistry(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
}

export function pgbouncerImageOf(image: string): PgBouncerImage | undefined {
  const reference = image.trim().toLowerCase();
  if (reference === '' || reference.length > 1000) return undefined;
  const withoutDigest = reference.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
  const name = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  const parts = name.split('/');
  if (parts.length > 1 && isRegistry(parts[0])) parts.shift();
  if (parts[0] === 'library') parts.shift();
  const repository = parts.join('/');
  const flavour: PgBouncerFlavour | undefined =
    KNOWN[repository] ??
    // edoburu's mirror on GHCR keeps the name: ghcr.io/edoburu/pgbouncer is covered above.
    (repository.includes('pgbouncer') ? 'other-pgbouncer' : undefined);
  if (!flavour) return undefined;
  return { flavour, release: tag === undefined ? undefined : releaseOfTag(tag) };
}

/**
 * PgBouncer's version in a tag: edoburu `v1.23.1-p2`, `1.22.1-p0`; bitnami `1.23.1-debian-12-r5`;
 * plain `1.15.0`. Only a 1.x version counts (other numbers are the image's own).
 */
function releaseOfTag(tag: string): string | undefined {
  const match = /^v?(1\.\d{1,3}(?:\.\d{1,3})?)(?:[-_+].*)?$/.exec(tag);
  return match ? match[1] : undefined;
}

/**
 * The pgbouncer.ini the image writes at start, from its environment (in order: a later variable of
 * a name wins). Undefined when it writes none because a configuration file is mounted where its
 * entrypoint looks: /etc/pgbouncer/pgbouncer.ini for edoburu (`[ ! -f … ]` in entrypoint.sh),
 * /bitnami/pgbouncer/conf/pgbouncer.ini for bitnami (pgbouncer_is_file_external in libpgbouncer.sh).
 * `release` picks the edoburu entrypoint of that image (the newest when undefined).
 */
export function generatedConfig(
  flavour: 'edoburu' | 'bitnami',
  env: EnvVar[],
  mountedTargets: string[],
  options: { release?: string } = {},
): GeneratedConfig | undefined {
  return flavour === 'edoburu'
    ? edoburuConfig(env, mountedTargets, options.release)
    : bitnamiConfig(env, mountedTargets);
}
