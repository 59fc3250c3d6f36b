/** An upstream registry as the engine talks to it: where it is and, optionally, the credentials it wants. */
export interface UpstreamTarget {
  /** Stable identity (e.g. `upstream:12`): tokens and learnt auth schemes are cached under it. */
  key: string;
  /** Base URL of the registry, without `/v2/` (e.g. `https://registry-1.docker.io`); may carry a path prefix. */
  url: string;
  /** Basic credentials, both or neither: sent on the upstream's Basic challenge or to its token realm. */
  username?: string;
  password?: string;
}

export function hasCredentials(target: UpstreamTarget): boolean {
  return target.username !== undefined && target.password !== undefined;
}

export function basicAuthorization(target: UpstreamTarget): string {
  return `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
}
