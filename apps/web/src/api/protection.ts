import { del, enc, get, patch, post } from './client';
import type { ProtectionLevel } from './types';

/** GitLab's protection tag rule; `immutable` (ours) is both levels null. */
export interface TagRule {
  id: number;
  project_id: number;
  tag_name_pattern: string;
  minimum_access_level_for_push: ProtectionLevel | null;
  minimum_access_level_for_delete: ProtectionLevel | null;
  immutable: boolean;
}

/** GitLab's container repository protection rule. */
export interface RepositoryRule {
  id: number;
  project_id: number;
  repository_path_pattern: string;
  minimum_access_level_for_push: ProtectionLevel | null;
  minimum_access_level_for_delete: ProtectionLevel | null;
}

export type RuleKind = 'tag' | 'repository';

/** What a form sends: the pattern and the two levels (`""` unsets a level on PATCH and is left out on POST). */
export interface RuleInput {
  pattern: string;
  push: ProtectionLevel | '';
  delete: ProtectionLevel | '';
}

type RuleOf<K extends RuleKind> = K extends 'tag' ? TagRule : RepositoryRule;

const rulesPath = (projectId: number | string, kind: RuleKind) => `/projects/${enc(projectId)}/registry/protection/${kind}/rules`;
const patternField = (kind: RuleKind) => (kind === 'tag' ? 'tag_name_pattern' : 'repository_path_pattern');

export function listRules<K extends RuleKind>(projectId: number | string, kind: K) {
  return get<Array<RuleOf<K>>>(rulesPath(projectId, kind));
}

export function createRule<K extends RuleKind>(projectId: number | string, kind: K, input: RuleInput) {
  return post<RuleOf<K>>(rulesPath(projectId, kind), {
    [patternField(kind)]: input.pattern,
    ...(input.push ? { minimum_access_level_for_push: input.push } : {}),
    ...(input.delete ? { minimum_access_level_for_delete: input.delete } : {}),
  });
}

export function updateRule<K extends RuleKind>(projectId: number | string, kind: K, ruleId: number, input: RuleInput) {
  return patch<RuleOf<K>>(`${rulesPath(projectId, kind)}/${enc(ruleId)}`, {
    [patternField(kind)]: input.pattern,
    minimum_access_level_for_push: input.push,
    minimum_access_level_for_delete: input.delete,
  });
}

export function deleteRule(projectId: number | string, kind: RuleKind, ruleId: number) {
  return del(`${rulesPath(projectId, kind)}/${enc(ruleId)}`);
}
