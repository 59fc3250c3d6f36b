/**
 * A tiny GitLab REST client for the iam-* e2e specs: JSON in, parsed JSON and headers out.
 */
export interface RestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Auth = { token: string } | { jobToken: string } | { bearer: string } | null;

export const BOOTSTRAP_TOKEN = 'glpat-e2e-bootstrap-admin-token-0001';

export class RestClient {
  constructor(private readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, auth: Auth, body?: unknown): Promise<RestResponse<T>> {
    const headers: Record<string, string> = {};
    if (auth && 'token' in auth) headers['PRIVATE-TOKEN'] = auth.token;
    if (auth && 'jobToken' in auth) headers['JOB-TOKEN'] = auth.jobToken;
    if (auth && 'bearer' in auth) headers.Authorization = `Bearer ${auth.bearer}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}/api/v4${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  get<T = any>(path: string, auth: Auth) {
    return this.request<T>('GET', path, auth);
  }

  post<T = any>(path: string, auth: Auth, body: unknown = {}) {
    return this.request<T>('POST', path, auth, body);
  }

  put<T = any>(path: string, auth: Auth, body: unknown = {}) {
    return this.request<T>('PUT', path, auth, body);
  }

  delete<T = any>(path: string, auth: Auth) {
    return this.request<T>('DELETE', path, auth);
  }

  /** Creates a user (as admin) and a personal access token for them; returns both. */
  async createUser(admin: Auth, username: string, scopes = ['api']): Promise<{ id: number; username: string; token: string; auth: Auth }> {
    const user = await this.post('/users', admin, { username, email: `${username}@example.com`, name: username, password: 'password-1234' });
    if (user.status !== 201) throw new Error(`creating ${username}: ${user.status} ${JSON.stringify(user.body)}`);
    const token = await this.post(`/users/${user.body.id}/personal_access_tokens`, admin, { name: `${username}-token`, scopes, expires_at: '2999-01-01' });
    if (token.status !== 201) throw new Error(`token for ${username}: ${token.status} ${JSON.stringify(token.body)}`);
    return { id: user.body.id, username, token: token.body.token, auth: { token: token.body.token } };
  }
}

/** `:id` as GitLab clients send a full path. */
export const enc = (fullPath: string) => encodeURIComponent(fullPath);
