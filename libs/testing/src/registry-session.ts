export interface Credentials {
  username: string;
  password: string;
}

/**
 * Talks to /v2/ the way docker and skopeo do: on a 401 it reads the Bearer challenge, fetches a token
 * from the realm with the credentials (or anonymously), caches it per scope and retries once.
 */
export class RegistrySession {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly credentials?: Credentials,
  ) {}

  /** A fetch with the same signature as the global one, for helpers that take a fetch function. */
  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = input.startsWith('http') ? input : `${this.baseUrl}${input}`;
    const scopeKey = this.scopeKeyFor(url);
    const first = await fetch(url, this.withToken(init, this.tokens.get(scopeKey)));
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    if (!challenge) return first;
    await first.arrayBuffer();
    const token = await this.token(challenge.realm, challenge.service, challenge.scope);
    if (!token) return first;
    this.tokens.set(scopeKey, token);
    return fetch(url, this.withToken(init, token));
  };

  /** A token for the given scopes straight from the token service. */
  async token(realm: string, service: string, scope?: string): Promise<string | null> {
    const query = new URLSearchParams({ service });
    if (scope) for (const s of scope.split(' ')) query.append('scope', s);
    const headers: Record<string, string> = {};
    if (this.credentials) {
      headers.Authorization = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    }
    const response = await fetch(`${realm}?${query}`, { headers });
    if (response.status !== 200) return null;
    return ((await response.json()) as { token: string }).token;
  }

  private scopeKeyFor(url: string): string {
    const match = new URL(url).pathname.match(/^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)\//);
    return match ? match[1] : new URL(url).pathname;
  }

  private withToken(init: RequestInit, token: string | undefined): RequestInit {
    if (!token) return init;
    return { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` } };
  }
}

export function parseChallenge(header: string | null): { realm: string; service: string; scope?: string } | null {
  if (!header || !/^bearer /i.test(header)) return null;
  const params = Object.fromEntries([...header.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!params.realm) return null;
  return { realm: params.realm, service: params.service ?? 'container_registry', scope: params.scope };
}
