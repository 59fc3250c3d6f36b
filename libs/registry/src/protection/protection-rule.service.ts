import { EntityManager } from 'typeorm';
import { RegistryEventActor } from '../events';
import { RegistryContext } from '../registry-context';
import { ProtectionError } from './protection-error';
import { RuleFields, RuleKind } from './protection-rule.repository';
import {
  isImmutableRule,
  MAX_TAG_RULES_PER_PROJECT,
  PROTECTION_LEVELS,
  protectionLevelName,
  ProtectionLevelName,
  repositoryPatternProblem,
  RepositoryProtectionRule,
  tagPatternProblem,
  TagProtectionRule,
} from './protection-rules';

export type ProtectionRule<K extends RuleKind> = K extends 'tag' ? TagProtectionRule : RepositoryProtectionRule;

/** A rule as asked for: `undefined` leaves a level as it is (PATCH), `null` unsets it (GitLab's `""`). */
export interface RuleInput {
  pattern?: string;
  minimumAccessLevelForPush?: ProtectionLevelName | null;
  minimumAccessLevelForDelete?: ProtectionLevelName | null;
}

/** Who changes rules: the project, the caller's protection level (libs/iam restProtectionAccessLevel) and who they are. */
export interface RuleChanger {
  project: { id: number; fullPath: string };
  /** 40 Maintainer, 50 Owner, 60 administrator. */
  level: number;
  actor: RegistryEventActor;
}

const OWNER = PROTECTION_LEVELS.owner;
const FIELD: Record<RuleKind, string> = { tag: 'tag_name_pattern', repository: 'repository_path_pattern' };

/**
 * Protection rules of a project (GitLab's `/registry/protection/{tag,repository}/rules`). Maintainers manage rules;
 * nobody sets a level above their own (a Maintainer cannot make a rule only an Owner can change); changing or
 * removing an immutable rule takes an Owner. Every change takes the project's protection lock exclusively (see
 * ProtectionRuleRepository) and records its audit row and webhooks in its transaction.
 */
export class ProtectionRuleService {
  constructor(private readonly ctx: RegistryContext) {}

  async list<K extends RuleKind>(kind: K, projectId: number): Promise<ProtectionRule<K>[]> {
    return this.ctx.protectionRules.list(this.ctx.db.manager, kind, projectId) as Promise<ProtectionRule<K>[]>;
  }

  async create<K extends RuleKind>(kind: K, changer: RuleChanger, input: RuleInput): Promise<ProtectionRule<K>> {
    if (input.pattern === undefined) throw ProtectionError.invalidParameter(`${FIELD[kind]} is missing`);
    const fields: RuleFields = {
      pattern: input.pattern,
      minimumAccessLevelForPush: levelOf(input.minimumAccessLevelForPush),
      minimumAccessLevelForDelete: levelOf(input.minimumAccessLevelForDelete),
    };
    return this.change(kind, changer, 'created', async (db) => {
      await this.validate(db, kind, changer, fields, null);
      if (kind === 'tag' && (await this.ctx.protectionRules.count(db, kind, changer.project.id)) >= MAX_TAG_RULES_PER_PROJECT) {
        throw ProtectionError.unprocessable(`Maximum number of protection rules (${MAX_TAG_RULES_PER_PROJECT}) have been reached.`, 'base');
      }
      return this.ctx.protectionRules.insert(db, kind, changer.project.id, fields) as Promise<ProtectionRule<K>>;
    });
  }

  async update<K extends RuleKind>(kind: K, changer: RuleChanger, ruleId: number, input: RuleInput): Promise<ProtectionRule<K>> {
    return this.change(kind, changer, 'updated', async (db) => {
      const existing = await this.existing(db, kind, changer, ruleId);
      const fields: RuleFields = {
        pattern: input.pattern ?? patternOf(existing),
        minimumAccessLevelForPush: input.minimumAccessLevelForPush === undefined ? existing.minimumAccessLevelForPush : levelOf(input.minimumAccessLevelForPush),
        minimumAccessLevelForDelete: input.minimumAccessLevelForDelete === undefined ? existing.minimumAccessLevelForDelete : levelOf(input.minimumAccessLevelForDelete),
      };
      await this.validate(db, kind, changer, fields, ruleId);
      return this.ctx.protectionRules.update(db, kind, ruleId, fields) as Promise<ProtectionRule<K>>;
    });
  }

  async delete(kind: RuleKind, changer: RuleChanger, ruleId: number): Promise<void> {
    await this.change(kind, changer, 'deleted', async (db) => {
      const existing = await this.existing(db, kind, changer, ruleId);
      await this.ctx.protectionRules.delete(db, kind, ruleId);
      return existing;
    });
  }

  /** One transaction: the exclusive protection lock, the change, its audit row and webhooks; deliveries queued after commit. */
  private async change<T extends TagProtectionRule | RepositoryProtectionRule>(
    kind: RuleKind,
    changer: RuleChanger,
    change: 'created' | 'updated' | 'deleted',
    work: (db: EntityManager) => Promise<T>,
  ): Promise<T> {
    const { rule, recorded } = await this.ctx.db.transaction(async (db) => {
      // Waits for pushes and deletes that read the rules before this change to commit (ProtectionRuleRepository).
      await this.ctx.protectionRules.lockExclusive(db, changer.project.id);
      const rule = await work(db);
      const recorded = await this.ctx.events.protectionRuleChanged(db, {
        projectId: changer.project.id,
        actor: changer.actor,
        occurredAt: new Date(),
        change,
        rule: {
          kind,
          id: rule.id,
          pattern: patternOf(rule),
          minimumAccessLevelForPush: protectionLevelName(rule.minimumAccessLevelForPush),
          minimumAccessLevelForDelete: protectionLevelName(rule.minimumAccessLevelForDelete),
        },
      });
      return { rule, recorded };
    });
    await this.ctx.events.publish(recorded);
    return rule;
  }

  /** The rule, if it belongs to the project (404 otherwise) and the caller may change it (403). */
  private async existing(db: EntityManager, kind: RuleKind, changer: RuleChanger, ruleId: number): Promise<TagProtectionRule | RepositoryProtectionRule> {
    const rule = await this.ctx.protectionRules.find(db, kind, changer.project.id, ruleId);
    if (!rule) throw ProtectionError.notFound();
    if (kind === 'tag' && isImmutableRule(rule) && changer.level < OWNER) {
      throw ProtectionError.forbidden('changing or deleting an immutable tag rule requires Owner');
    }
    assertWithinLevel(rule, changer.level);
    return rule;
  }

  private async validate(db: EntityManager, kind: RuleKind, changer: RuleChanger, fields: RuleFields, exceptId: number | null): Promise<void> {
    const problem = kind === 'tag' ? tagPatternProblem(fields.pattern) : repositoryPatternProblem(fields.pattern, changer.project.fullPath);
    if (problem) throw ProtectionError.unprocessable(problem, FIELD[kind]);
    if (kind === 'repository' && fields.minimumAccessLevelForPush === null && fields.minimumAccessLevelForDelete === null) {
      throw ProtectionError.invalidParameter('minimum_access_level_for_push, minimum_access_level_for_delete are missing, at least one parameter must be provided');
    }
    assertWithinLevel(fields, changer.level);
    if (await this.ctx.protectionRules.patternTaken(db, kind, changer.project.id, fields.pattern, exceptId)) {
      throw ProtectionError.unprocessable('has already been taken', FIELD[kind]);
    }
  }
}

function levelOf(name: ProtectionLevelName | null | undefined): number | null {
  return name ? PROTECTION_LEVELS[name] : null;
}

function patternOf(rule: TagProtectionRule | RepositoryProtectionRule): string {
  return 'tagNamePattern' in rule ? rule.tagNamePattern : rule.repositoryPathPattern;
}

/** Nobody sets (or changes a rule holding) a level above their own: a Maintainer cannot lock out, or unlock, Owners. */
function assertWithinLevel(rule: { minimumAccessLevelForPush: number | null; minimumAccessLevelForDelete: number | null }, level: number): void {
  const highest = Math.max(rule.minimumAccessLevelForPush ?? 0, rule.minimumAccessLevelForDelete ?? 0);
  if (highest > level) throw ProtectionError.forbidden(`a rule at ${protectionLevelName(highest)} level needs that level to be set or changed`);
}
