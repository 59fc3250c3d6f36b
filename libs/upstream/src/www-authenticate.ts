/** One challenge of a WWW-Authenticate header: its scheme and its auth-params. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header (RFC 7235): `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"`
 * or several challenges separated by commas (`Basic realm="x", Bearer realm="y"`). Quoted values may hold commas
 * and escaped quotes. The scheme is lowercased; parameter names too.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const token = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i])) i++;
  };
  const readToken = (): string | null => {
    token.lastIndex = i;
    const match = token.exec(header);
    if (!match) return null;
    i = token.lastIndex;
    return match[0];
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = readToken();
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(/[\s,]/);
      const start = i;
      const name = readToken();
      if (!name) break;
      skip(/\s/);
      if (header[i] !== '=') {
        // The next challenge's scheme (or a token68, which registries do not use): hand it back to the outer loop.
        i = start;
        break;
      }
      i++;
      skip(/\s/);
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < header.length) i++;
          value += header[i++];
        }
        i++;
      } else {
        value = readToken() ?? '';
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
