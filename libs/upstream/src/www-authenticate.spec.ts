import { parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('reads a Docker token challenge', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ]);
  });

  it('reads several challenges, quoted commas and escapes, unquoted values', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm", Bearer realm="http://a/token",scope="repository:x:pull,push",error=invalid_token, Other a="b\\"c"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'http://a/token', scope: 'repository:x:pull,push', error: 'invalid_token' } },
      { scheme: 'other', params: { a: 'b"c' } },
    ]);
  });

  it('gives nothing for an empty header and a bare scheme for one without parameters', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Basic')).toEqual([{ scheme: 'basic', params: {} }]);
  });
});
