import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** What the running platform is: the version of the root package.json and, when known, the commit it was built from. */
export interface BuildInfo {
  version: string;
  revision: string;
}

/** Both from source (apps/api/src/metadata) and from the build (apps/api/dist/metadata), four levels up. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../../..');

/** GitLab's answer when the revision cannot be found. */
export const UNKNOWN_REVISION = 'Unknown';

/**
 * Read once at start. The revision comes, as GitLab finds its own, from a `REVISION` file at the root (for an
 * install from an archive), else from git (abbreviated to 11 characters like GitLab's), else it is "Unknown": not
 * being a git checkout, or git missing, must never stop the api.
 */
export function readBuildInfo(root: string = REPOSITORY_ROOT): BuildInfo {
  return { version: readVersion(root), revision: readRevision(root) };
}

function readVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function readRevision(root: string): string {
  try {
    const fromFile = readFileSync(path.join(root, 'REVISION'), 'utf8').trim();
    if (fromFile) return fromFile;
  } catch {
    // No REVISION file: ask git.
  }
  try {
    const out = execFileSync('git', ['rev-parse', '--short=11', 'HEAD'], { cwd: root, timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
    const revision = out.trim();
    return /^[0-9a-f]{4,40}$/.test(revision) ? revision : UNKNOWN_REVISION;
  } catch {
    return UNKNOWN_REVISION;
  }
}
