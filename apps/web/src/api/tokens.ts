import { del, enc, getPage, post, Query } from './client';
import type { AccessToken, DeployToken, PersonalAccessToken, Webhook, WebhookDelivery } from './types';

export function listDeployTokens(projectId: number | string, query: Query = {}) {
  return getPage<DeployToken>(`/projects/${enc(projectId)}/deploy_tokens`, { per_page: 100, ...query });
}

export function createDeployToken(projectId: number | string, body: { name: string; scopes: string[]; expires_at?: string; username?: string }) {
  return post<DeployToken>(`/projects/${enc(projectId)}/deploy_tokens`, body);
}

export function revokeDeployToken(projectId: number | string, tokenId: number) {
  return del(`/projects/${enc(projectId)}/deploy_tokens/${enc(tokenId)}`);
}

export function listAccessTokens(projectId: number | string, query: Query = {}) {
  return getPage<AccessToken>(`/projects/${enc(projectId)}/access_tokens`, { per_page: 100, ...query });
}

export function createAccessToken(projectId: number | string, body: { name: string; scopes: string[]; access_level: number; expires_at: string }) {
  return post<AccessToken>(`/projects/${enc(projectId)}/access_tokens`, body);
}

export function revokeAccessToken(projectId: number | string, tokenId: number) {
  return del(`/projects/${enc(projectId)}/access_tokens/${enc(tokenId)}`);
}

export function listPersonalAccessTokens(userId: number, query: Query = {}) {
  return getPage<PersonalAccessToken>('/personal_access_tokens', { user_id: userId, per_page: 100, ...query });
}

/** The signed-in user's own token; the server accepts this only from a session opened with a password. */
export function createPersonalAccessToken(body: { name: string; scopes: string[]; expires_at: string }) {
  return post<PersonalAccessToken>('/user/personal_access_tokens', body);
}

export function revokePersonalAccessToken(tokenId: number) {
  return del(`/personal_access_tokens/${enc(tokenId)}`);
}

export function listHooks(projectId: number | string) {
  return getPage<Webhook>(`/projects/${enc(projectId)}/hooks`, { per_page: 100 });
}

/** GitLab's webhook events (the delivery log). */
export function listHookEvents(projectId: number | string, hookId: number) {
  return getPage<WebhookDelivery>(`/projects/${enc(projectId)}/hooks/${enc(hookId)}/events`, { per_page: 20 });
}
