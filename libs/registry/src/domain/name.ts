/**
 * Repository (image) names. OCI's grammar, narrowed by our contract: a name is
 * a project's full path (at least `namespace/project`) plus up to two levels.
 */
import { RegistryError, truncateForMessage } from './errors';

export interface RepositoryName {
  path: string;
  components: string[];
}

export const MAX_REPOSITORY_NAME_LENGTH = 255;
/** Levels an image may add below the project that owns it. */
export const MAX_IMAGE_DEPTH_BELOW_PROJECT = 2;
/** `namespace/project`: the shortest project full path. */
export const MIN_PROJECT_PATH_COMPONENTS = 2;

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function invalid(name: string, why: string): RegistryError {
  const shown = truncateForMessage(name);
  return new RegistryError('NAME_INVALID', `invalid repository name "${shown}": ${why}`, {
    name: shown,
  });
}

/**
 * Validates an image path and splits it into components. The specific checks
 * come first so the client gets a message naming the actual mistake instead of
 * a generic grammar failure.
 */
export function parseRepositoryName(name: string): RepositoryName {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RegistryError('NAME_INVALID', 'invalid repository name: empty');
  }
  if (name.length > MAX_REPOSITORY_NAME_LENGTH) {
    throw invalid(name, `longer than ${MAX_REPOSITORY_NAME_LENGTH} characters`);
  }
  if (CONTROL_CHARS.test(name)) throw invalid(name, 'contains control characters');
  // A percent sign means the router handed us an undecoded (or doubly encoded)
  // path; accepting it would let `a%2fb` and `a/b` name different repositories.
  if (name.includes('%')) throw invalid(name, 'must not contain percent-encoded characters');
  if (name.startsWith('/') || name.endsWith('/')) {
    throw invalid(name, 'must not start or end with a slash');
  }
  if (name.includes('//')) throw invalid(name, 'must not contain empty path components');
  if (name.includes('..')) throw invalid(name, 'must not contain ".."');
  if (/[A-Z]/.test(name)) throw invalid(name, 'must be lowercase');

  const components = name.split('/');
  for (const c of components) {
    if (!COMPONENT.test(c)) {
      throw invalid(
        name,
        `path component "${truncateForMessage(c, 64)}" must be lowercase letters and digits separated by ".", "_", "__" or "-"`,
      );
    }
  }
  if (components.length < MIN_PROJECT_PATH_COMPONENTS) {
    throw invalid(name, 'must include a namespace and a project (namespace/project[/image])');
  }
  return { path: name, components };
}

export function isValidRepositoryName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  try {
    parseRepositoryName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Project full paths that could own an image path, longest first. The longest
 * match must win: with projects `a/b` and `a/b/c` both existing, `a/b/c/d`
 * belongs to `a/b/c`.
 */
export function candidateProjectPaths(path: string): string[] {
  const { components } = parseRepositoryName(path);
  const shortest = Math.max(MIN_PROJECT_PATH_COMPONENTS, components.length - MAX_IMAGE_DEPTH_BELOW_PROJECT);
  const out: string[] = [];
  for (let n = components.length; n >= shortest; n--) out.push(components.slice(0, n).join('/'));
  return out;
}

/**
 * The image's name inside its project ('' for the project's root repository),
 * as GitLab shows it. Throws NAME_INVALID when the path does not lie within
 * reach of the project.
 */
export function imageNameWithinProject(path: string, projectPath: string): string {
  const image = parseRepositoryName(path);
  const project = parseRepositoryName(projectPath);
  const extra = image.components.length - project.components.length;
  const inside =
    extra >= 0 &&
    extra <= MAX_IMAGE_DEPTH_BELOW_PROJECT &&
    project.components.every((c, i) => image.components[i] === c);
  if (!inside) throw invalid(path, `not within project "${projectPath}"`);
  return image.components.slice(project.components.length).join('/');
}
