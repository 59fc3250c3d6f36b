/**
 * Group, project and user namespace paths. They become parts of image names, so they must satisfy the OCI
 * name component grammar (lowercase letters and digits separated by ".", "_", "__" or "-").
 */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
export const PATH_MESSAGE = 'can contain only lowercase letters, digits, "_", "-" and ".", and must start and end with a letter or digit';
/** Levels an image may add below the project that owns it (CONTRACT.md "Names"). */
const MAX_IMAGE_DEPTH_BELOW_PROJECT = 2;
const MAX_NAME_LENGTH = 255;

export function isValidPath(path: string): boolean {
  return path.length > 0 && path.length <= 255 && PATH_COMPONENT.test(path);
}

/** A path derived from a display name, as GitLab does when only `name` is given. */
export function pathFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .replace(/[._-]{2,}/g, '-');
}

/**
 * Project full paths that could own an image path, longest first; [] when the name is not a valid image name.
 * Mirrors libs/registry's candidateProjectPaths (libs/iam must not depend on libs/registry).
 */
export function candidateProjectPaths(imagePath: string): string[] {
  if (imagePath.length === 0 || imagePath.length > MAX_NAME_LENGTH) return [];
  const components = imagePath.split('/');
  if (components.length < 2 || !components.every((c) => PATH_COMPONENT.test(c))) return [];
  const shortest = Math.max(2, components.length - MAX_IMAGE_DEPTH_BELOW_PROJECT);
  const out: string[] = [];
  for (let n = components.length; n >= shortest; n--) out.push(components.slice(0, n).join('/'));
  return out;
}
