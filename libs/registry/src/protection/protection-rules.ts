import { RE2JS } from 're2js';

/**
 * Protection rules as GitLab has them (issue #19): tag rules (`tag_name_pattern`, an RE2 regular expression
 * searched ANYWHERE in the tag name, GitLab's semantics: `v.+` matches `rev1`; anchor with `^...$`) and repository
 * rules (`repository_path_pattern`, the whole image path with `*` wildcards). A tag rule with both levels null is
 * an immutable rule. Levels: 40 Maintainer, 50 Owner, 60 administrator.
 *
 * Pure: the rules of one project are read inside the push's or delete's transaction (ProtectionRuleRepository)
 * and judged here. Where several rules match, the most restrictive wins: immutability if any matching tag rule is
 * immutable, else the highest level any matching rule (tag or repository) asks for.
 */

export type ProtectionLevelName = 'maintainer' | 'owner' | 'admin';

export const PROTECTION_LEVELS: Readonly<Record<ProtectionLevelName, number>> = Object.freeze({ maintainer: 40, owner: 50, admin: 60 });

const LEVEL_LABELS: Readonly<Record<number, string>> = Object.freeze({ 40: 'Maintainer', 50: 'Owner', 60: 'administrator' });

export function protectionLevelName(level: number | null): ProtectionLevelName | null {
  if (level === null) return null;
  return (Object.keys(PROTECTION_LEVELS) as ProtectionLevelName[]).find((name) => PROTECTION_LEVELS[name] === level) ?? null;
}

/** GitLab's limits: a tag pattern is at most 100 characters, a project holds at most 5 tag rules. */
export const MAX_TAG_PATTERN_LENGTH = 100;
export const MAX_TAG_RULES_PER_PROJECT = 5;
export const MAX_REPOSITORY_PATTERN_LENGTH = 255;

export interface TagProtectionRule {
  id: number;
  projectId: number;
  tagNamePattern: string;
  minimumAccessLevelForPush: number | null;
  minimumAccessLevelForDelete: number | null;
}

export interface RepositoryProtectionRule {
  id: number;
  projectId: number;
  repositoryPathPattern: string;
  minimumAccessLevelForPush: number | null;
  minimumAccessLevelForDelete: number | null;
}

export function isImmutableRule(rule: Pick<TagProtectionRule, 'minimumAccessLevelForPush' | 'minimumAccessLevelForDelete'>): boolean {
  return rule.minimumAccessLevelForPush === null && rule.minimumAccessLevelForDelete === null;
}

/** A tag pattern as RE2 compiles it, or RE2's explanation of why it does not (null when valid). */
export function tagPatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_TAG_PATTERN_LENGTH) return `is too long (maximum is ${MAX_TAG_PATTERN_LENGTH} characters)`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return `should be a valid RE2 regular expression: ${(error as Error).message}`;
  }
}

/** A repository pattern's problem for a project at `projectPath` (null when valid): it must start with the project's path. */
export function repositoryPatternProblem(pattern: string, projectPath: string): string | null {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_REPOSITORY_PATTERN_LENGTH) return `is too long (maximum is ${MAX_REPOSITORY_PATTERN_LENGTH} characters)`;
  if (!/^[a-z0-9._\-/*]+$/.test(pattern)) return 'should be a valid container repository path with optional wildcard characters';
  if (pattern !== projectPath && !pattern.startsWith(`${projectPath}/`)) return `should start with the project's full path (${projectPath})`;
  return null;
}

/** Compiles `*` wildcards into an anchored RE2 (`*` matches any characters, `/` included, as in GitLab). */
function wildcardRegex(pattern: string): RE2JS {
  const source = pattern.split('*').map((part) => part.replace(/[.\\+?^${}()|[\]-]/g, '\\$&')).join('.*');
  return RE2JS.compile(`^${source}$`);
}

/** The protection in force for one tag (or a repository, `immutable` false): null levels ask for nothing. */
export interface EffectiveProtection {
  minimumAccessLevelForPush: number | null;
  minimumAccessLevelForDelete: number | null;
  immutable: boolean;
  /** Which kind of rule asks for each level (for the refusal's wording). */
  pushBy: 'tag' | 'repository' | null;
  deleteBy: 'tag' | 'repository' | null;
}

export const UNPROTECTED: EffectiveProtection = Object.freeze({
  minimumAccessLevelForPush: null,
  minimumAccessLevelForDelete: null,
  immutable: false,
  pushBy: null,
  deleteBy: null,
});

/** What a caller was refused, in words that name the rule: `tag "v1" is immutable`, `... is protected: pushing requires Maintainer`. */
export interface ProtectionRefusal {
  action: 'push' | 'delete';
  reason: 'immutable' | 'protected';
  /** The tag, or null when a repository rule refused. */
  tag: string | null;
  repositoryPath: string;
  /** The level the rule asks for (null for immutability). */
  requiredLevel: number | null;
  message: string;
}

/** Compiled patterns, shared by every judgement of a process: RE2 compilation costs more than a match. */
export class ProtectionPatternCache {
  private readonly tags = new Map<string, RE2JS>();
  private readonly repositories = new Map<string, RE2JS>();

  tag(pattern: string): RE2JS {
    return this.remember(this.tags, pattern, () => RE2JS.compile(pattern));
  }

  repository(pattern: string): RE2JS {
    return this.remember(this.repositories, pattern, () => wildcardRegex(pattern));
  }

  private remember(map: Map<string, RE2JS>, pattern: string, compile: () => RE2JS): RE2JS {
    let compiled = map.get(pattern);
    if (!compiled) {
      // Bounded: patterns are few per project; an unusual churn just starts over.
      if (map.size >= 10_000) map.clear();
      compiled = compile();
      map.set(pattern, compiled);
    }
    return compiled;
  }
}

/** One project's rules, read inside the transaction that judges a push or a delete. */
export class ProjectProtection {
  constructor(
    readonly tagRules: TagProtectionRule[],
    readonly repositoryRules: RepositoryProtectionRule[],
    private readonly patterns: ProtectionPatternCache,
  ) {}

  get isEmpty(): boolean {
    return this.tagRules.length === 0 && this.repositoryRules.length === 0;
  }

  get hasTagRules(): boolean {
    return this.tagRules.length > 0;
  }

  /** The repository rules' protection of an image path (never immutable). */
  forRepository(repositoryPath: string): EffectiveProtection {
    let result = UNPROTECTED;
    for (const rule of this.repositoryRules) {
      if (!this.patterns.repository(rule.repositoryPathPattern).testExact(repositoryPath)) continue;
      result = strongest(result, rule, 'repository');
    }
    return result;
  }

  /** Tag rules and repository rules together: the most restrictive wins. */
  forTag(repositoryPath: string, tag: string): EffectiveProtection {
    let result = this.forRepository(repositoryPath);
    for (const rule of this.tagRules) {
      if (!this.patterns.tag(rule.tagNamePattern).test(tag)) continue;
      result = isImmutableRule(rule) ? { ...result, immutable: true } : strongest(result, rule, 'tag');
    }
    return result;
  }

  /**
   * A push of `tag` by a caller at `level`. `moves`: the tag exists and points at another manifest (an identical
   * re-push is not a move). Immutability refuses only a move; role rules refuse any push below their level.
   */
  judgePush(repositoryPath: string, tag: string | null, level: number, moves: boolean): ProtectionRefusal | null {
    const protection = tag === null ? this.forRepository(repositoryPath) : this.forTag(repositoryPath, tag);
    return judge('push', protection, repositoryPath, tag, level, moves);
  }

  /** A delete of `tag` (or of the repository's content, `tag` null) by a caller at `level`. */
  judgeDelete(repositoryPath: string, tag: string | null, level: number): ProtectionRefusal | null {
    const protection = tag === null ? this.forRepository(repositoryPath) : this.forTag(repositoryPath, tag);
    return judge('delete', protection, repositoryPath, tag, level, true);
  }
}

/** What a bulk delete or cleanup run kept because of protection rules: counts, and the first names. */
export interface ProtectionSkips {
  protected: number;
  immutable: number;
  /** The first SKIPPED_TAGS_LISTED names, in the order they were judged. */
  tags: string[];
}

export const SKIPPED_TAGS_LISTED = 100;

export function noSkips(): ProtectionSkips {
  return { protected: 0, immutable: 0, tags: [] };
}

/**
 * Splits tags an asynchronous delete chose into those the deleter at `level` may delete and those a rule keeps
 * (counted into `skips`). Cleanup policies judge at level 0: every tag a rule protects from deletion stays.
 */
export function withoutProtected<T extends { name: string }>(protection: ProjectProtection, repositoryPath: string, tags: T[], level: number, skips: ProtectionSkips): T[] {
  if (protection.isEmpty) return tags;
  return tags.filter((tag) => {
    const refusal = protection.judgeDelete(repositoryPath, tag.name, level);
    if (!refusal) return true;
    if (refusal.reason === 'immutable') skips.immutable++;
    else skips.protected++;
    if (skips.tags.length < SKIPPED_TAGS_LISTED) skips.tags.push(tag.name);
    return false;
  });
}

function strongest(current: EffectiveProtection, rule: { minimumAccessLevelForPush: number | null; minimumAccessLevelForDelete: number | null }, by: 'tag' | 'repository'): EffectiveProtection {
  const push = rule.minimumAccessLevelForPush;
  const del = rule.minimumAccessLevelForDelete;
  const pushWins = push !== null && (current.minimumAccessLevelForPush === null || push > current.minimumAccessLevelForPush);
  const deleteWins = del !== null && (current.minimumAccessLevelForDelete === null || del > current.minimumAccessLevelForDelete);
  return {
    ...current,
    minimumAccessLevelForPush: pushWins ? push : current.minimumAccessLevelForPush,
    pushBy: pushWins ? by : current.pushBy,
    minimumAccessLevelForDelete: deleteWins ? del : current.minimumAccessLevelForDelete,
    deleteBy: deleteWins ? by : current.deleteBy,
  };
}

/** The refusal a caller at `level` meets for `action` under `protection`, or null when it may go ahead. */
export function judge(
  action: 'push' | 'delete',
  protection: EffectiveProtection,
  repositoryPath: string,
  tag: string | null,
  level: number,
  changesExistingTag: boolean,
): ProtectionRefusal | null {
  if (protection.immutable && tag !== null && changesExistingTag) {
    return { action, reason: 'immutable', tag, repositoryPath, requiredLevel: null, message: `tag "${tag}" is immutable` };
  }
  const required = action === 'push' ? protection.minimumAccessLevelForPush : protection.minimumAccessLevelForDelete;
  if (required === null || level >= required) return null;
  const by = action === 'push' ? protection.pushBy : protection.deleteBy;
  const subject = by === 'tag' && tag !== null ? `tag "${tag}"` : `repository "${repositoryPath}"`;
  const verb = action === 'push' ? 'pushing' : 'deleting';
  return {
    action,
    reason: 'protected',
    tag: by === 'tag' ? tag : null,
    repositoryPath,
    requiredLevel: required,
    message: `${subject} is protected: ${verb} requires ${LEVEL_LABELS[required] ?? `access level ${required}`}`,
  };
}
