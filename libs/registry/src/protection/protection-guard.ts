import { EntityManager } from 'typeorm';
import { RegistryEventActor } from '../events';
import { RegistryContext } from '../registry-context';
import { isProtectionRefusal } from './protection-error';
import { ProjectProtection } from './protection-rules';
import { ProjectRules } from './protection-rule.repository';

/** Where a refused push or delete happened, for its audit row and webhooks. */
export interface RefusalContext {
  projectId: number;
  repositoryPath: string;
  actor: RegistryEventActor;
  digest?: string | null;
  via: 'registry' | 'api';
}

/**
 * Enforcement's two steps around a push's or delete's transaction: `load` inside it (the project's protection lock
 * taken shared, then its rules read: see ProtectionRuleRepository), and `reported` after a refusal rolled it back,
 * which records the refusal's audit row and webhook deliveries in a short transaction of its own.
 */
export class ProtectionGuard {
  constructor(private readonly ctx: RegistryContext) {}

  async load(db: EntityManager, projectId: number): Promise<ProjectProtection> {
    await this.ctx.protectionRules.lockShared(db, projectId);
    return this.judging(await this.ctx.protectionRules.forProject(db, projectId));
  }

  /** For a caller that took the lock itself (lockShared) and read the rules with other things (a manifest PUT). */
  judging(rules: ProjectRules): ProjectProtection {
    return new ProjectProtection(rules.tag, rules.repository, this.ctx.protectionPatterns);
  }

  /** Runs `work`; a protection refusal it throws is recorded (audit, webhooks) and thrown again, as `rethrow` maps it. */
  async reported<T>(where: RefusalContext, work: () => Promise<T>, rethrow: (error: Error) => Error = (error) => error): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isProtectionRefusal(error)) throw error;
      const { refusal } = error;
      const recorded = await this.ctx.db.transaction((db) =>
        this.ctx.events.protectionRefused(db, {
          projectId: where.projectId,
          repositoryPath: where.repositoryPath,
          actor: where.actor,
          occurredAt: new Date(),
          action: refusal.action,
          reason: refusal.reason,
          tag: refusal.tag,
          digest: where.digest ?? null,
          via: where.via,
          message: refusal.message,
        }),
      );
      await this.ctx.events.publish(recorded);
      throw rethrow(error);
    }
  }
}
