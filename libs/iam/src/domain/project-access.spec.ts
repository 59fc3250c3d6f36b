import { Actor } from './actor';
import {
  canAdminRegistry,
  credentialKind,
  effectiveRegistryAccess,
  ON_REGISTRY,
  ON_REST,
  ProjectAccessFacts,
  restLevelSource,
  restRegistryAllows,
} from './project-access';

const PROJECT = 7;
const facts = (overrides: Partial<ProjectAccessFacts> = {}): ProjectAccessFacts => ({
  projectId: PROJECT,
  namespaceId: 3,
  visibility: 'private',
  registryAccess: 'enabled',
  pendingDelete: false,
  userLevel: 0,
  deployTokenCovers: false,
  jobTokenAdmitted: false,
  jobActive: false,
  ...overrides,
});

const user = (overrides: Partial<Actor> = {}): Actor => ({ kind: 'user', userId: 1, username: 'u', isAdmin: false, scopes: null, ...overrides });
const bot = (scopes: string[]): Actor => user({ isBot: true, scopes, personalAccessTokenId: 9 });
const deployToken = (scopes: string[]): Actor => ({
  kind: 'deploy_token',
  userId: null,
  username: 'gitlab+deploy-token-1',
  isAdmin: false,
  scopes,
  deployToken: { id: 1, projectId: PROJECT, groupId: null },
});
const job = (projectId = PROJECT): Actor => ({
  kind: 'job',
  userId: 1,
  username: 'u',
  isAdmin: false,
  scopes: ['read_registry', 'write_registry'],
  job: { id: 5, projectId, userId: 1 },
});

describe('credentialKind', () => {
  it('tells every credential apart', () => {
    expect(credentialKind(null)).toBe('anonymous');
    expect(credentialKind(user())).toBe('password');
    expect(credentialKind(user({ scopes: ['api'], personalAccessTokenId: 2 }))).toBe('personal_access_token');
    expect(credentialKind(bot(['read_registry']))).toBe('resource_access_token');
    expect(credentialKind(deployToken(['read_registry']))).toBe('deploy_token');
    expect(credentialKind(job())).toBe('job_token');
  });
});

describe('effectiveRegistryAccess', () => {
  it('gives users their membership level as role, capped by token scopes on /v2/ only', () => {
    const developer = facts({ userLevel: 30 });
    expect(effectiveRegistryAccess(user(), developer, ON_REGISTRY)).toEqual({
      projectId: PROJECT,
      credential: 'password',
      isAdmin: false,
      role: 30,
      actions: ['pull', 'push', 'delete'],
    });
    const readOnly = user({ scopes: ['read_registry'] });
    expect(effectiveRegistryAccess(readOnly, developer, ON_REGISTRY)).toMatchObject({ role: 30, actions: ['pull'] });
    expect(effectiveRegistryAccess(readOnly, developer, ON_REST)).toMatchObject({ role: 30, actions: ['pull', 'push', 'delete'] });
    expect(effectiveRegistryAccess(user({ scopes: ['read_api'] }), developer, ON_REGISTRY).actions).toEqual([]);
  });

  it('makes administrators Owners with the bypass flag, except where the registry is disabled', () => {
    const admin = user({ isAdmin: true });
    expect(effectiveRegistryAccess(admin, facts(), ON_REGISTRY)).toMatchObject({ isAdmin: true, role: 50, actions: ['pull', 'push', 'delete'] });
    expect(effectiveRegistryAccess(admin, facts({ registryAccess: 'disabled' }), ON_REGISTRY)).toMatchObject({ isAdmin: true, role: 50, actions: [] });
  });

  it('lets signed-in people pull internal projects without membership, but not bots', () => {
    const internal = facts({ visibility: 'internal' });
    expect(effectiveRegistryAccess(user(), internal, ON_REGISTRY)).toMatchObject({ role: 0, actions: ['pull'] });
    expect(effectiveRegistryAccess(bot(['read_registry']), internal, ON_REGISTRY)).toMatchObject({ role: 0, actions: [] });
    expect(effectiveRegistryAccess(bot(['read_registry']), facts({ visibility: 'internal', userLevel: 10 }), ON_REGISTRY)).toMatchObject({
      credential: 'resource_access_token',
      role: 10,
      actions: ['pull'],
    });
  });

  it('gives project and group access tokens their bot’s role', () => {
    expect(effectiveRegistryAccess(bot(['read_registry', 'write_registry']), facts({ userLevel: 40 }), ON_REGISTRY)).toMatchObject({
      role: 40,
      isAdmin: false,
      actions: ['pull', 'push', 'delete'],
    });
  });

  it('lets anonymous callers pull public projects only', () => {
    expect(effectiveRegistryAccess(null, facts({ visibility: 'public' }), ON_REGISTRY)).toEqual({
      projectId: PROJECT,
      credential: 'anonymous',
      isAdmin: false,
      role: 0,
      actions: ['pull'],
    });
    expect(effectiveRegistryAccess(null, facts({ visibility: 'internal' }), ON_REGISTRY).actions).toEqual([]);
    expect(effectiveRegistryAccess(null, facts({ visibility: 'public', registryAccess: 'private' }), ON_REGISTRY).actions).toEqual([]);
  });

  it('counts deploy tokens as Developers of the projects they cover, their scopes deciding the actions', () => {
    const covered = facts({ deployTokenCovers: true, registryAccess: 'private' });
    expect(effectiveRegistryAccess(deployToken(['read_registry']), covered, ON_REGISTRY)).toMatchObject({ credential: 'deploy_token', role: 30, actions: ['pull'] });
    expect(effectiveRegistryAccess(deployToken(['read_registry', 'write_registry']), covered, ON_REST).actions).toEqual(['pull', 'push', 'delete']);
    expect(effectiveRegistryAccess(deployToken(['read_registry']), facts({ visibility: 'public' }), ON_REGISTRY)).toMatchObject({ role: 0, actions: [] });
    expect(effectiveRegistryAccess(deployToken(['read_registry']), facts({ deployTokenCovers: true, registryAccess: 'disabled' }), ON_REGISTRY).actions).toEqual([]);
  });

  it('caps job tokens at Developer, pull only outside their own project, nothing once the job ended', () => {
    const own = facts({ userLevel: 50, jobActive: true, jobTokenAdmitted: true });
    expect(effectiveRegistryAccess(job(), own, ON_REGISTRY)).toMatchObject({ credential: 'job_token', isAdmin: false, role: 30, actions: ['pull', 'push', 'delete'] });
    expect(effectiveRegistryAccess(job(99), own, ON_REGISTRY)).toMatchObject({ role: 30, actions: ['pull'] });
    expect(effectiveRegistryAccess(job(), facts({ userLevel: 20, jobActive: true, jobTokenAdmitted: true }), ON_REGISTRY)).toMatchObject({ role: 20, actions: ['pull'] });
    expect(effectiveRegistryAccess(job(), { ...own, jobActive: false }, ON_REGISTRY)).toMatchObject({ role: 0, actions: [] });
    expect(effectiveRegistryAccess(job(99), { ...own, jobTokenAdmitted: false }, ON_REGISTRY)).toMatchObject({ role: 0, actions: [] });
    // A job counts as signed in: its starter pulls internal projects admitting it without a membership.
    expect(effectiveRegistryAccess(job(99), facts({ visibility: 'internal', jobActive: true, jobTokenAdmitted: true }), ON_REGISTRY).actions).toEqual(['pull']);
  });

  it('keeps only pulls on a project whose deletion was requested, the role unchanged', () => {
    expect(effectiveRegistryAccess(user(), facts({ userLevel: 50, pendingDelete: true }), ON_REGISTRY)).toMatchObject({ role: 50, actions: ['pull'] });
  });
});

describe('REST levels and needs', () => {
  it('counts a user’s memberships, an administrator as Owner, a job token on its own project only, deploy tokens never', () => {
    expect(restLevelSource(null, PROJECT)).toEqual({ kind: 'none' });
    expect(restLevelSource(deployToken(['read_registry']), PROJECT)).toEqual({ kind: 'none' });
    expect(restLevelSource(user({ isAdmin: true }), PROJECT)).toEqual({ kind: 'admin' });
    expect(restLevelSource(user(), PROJECT)).toEqual({ kind: 'member', userId: 1 });
    expect(restLevelSource(job(), PROJECT)).toEqual({ kind: 'member', userId: 1 });
    expect(restLevelSource(job(99), PROJECT)).toEqual({ kind: 'none' });
  });

  it('needs pull for anything, Developer to destroy and Maintainer to administer', () => {
    const project = { visibility: 'public' as const, containerRegistryAccessLevel: 'enabled' as const };
    expect(restRegistryAllows(null, project, 0, 'read')).toBe(true);
    expect(restRegistryAllows(user(), project, 20, 'destroy')).toBe(false);
    expect(restRegistryAllows(user(), project, 30, 'destroy')).toBe(true);
    expect(restRegistryAllows(user(), project, 30, 'admin')).toBe(false);
    expect(restRegistryAllows(user(), project, 40, 'admin')).toBe(true);
    expect(restRegistryAllows(user(), { ...project, containerRegistryAccessLevel: 'disabled' }, 50, 'read')).toBe(false);
    expect(restRegistryAllows(user(), { visibility: 'private', containerRegistryAccessLevel: 'enabled' }, 10, 'read')).toBe(false);
    expect(canAdminRegistry(39)).toBe(false);
    expect(canAdminRegistry(40)).toBe(true);
  });
});
