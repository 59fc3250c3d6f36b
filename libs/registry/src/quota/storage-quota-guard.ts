import { candidateProjectPaths, RegistryError } from '../domain';
import { RegistryEventActor, StorageLimitEvent } from '../events';
import { RegistryContext } from '../registry-context';
import { PushedItem, QuotaFacts } from './quota.repository';
import { judgePush, LimitedNamespace, refusalDetail, refusalMessage } from './storage-quota';

/** Where a push happens: the project that owns the repository, and the image path. */
export interface PushTarget {
  project: { id: number; fullPath: string };
  repositoryPath: string;
  actor: RegistryEventActor;
}

/** A push the limits let through; `settle` reports the warnings it causes once its bytes are committed. */
export interface Admission {
  target: PushTarget;
  item: PushedItem;
  needed: number;
  crossed: LimitedNamespace[];
}

/**
 * Enforces storage limits on /v2/ pushes: `admit` before the bytes are committed (an upload's PUT, a mount, a
 * manifest PUT), `settle` after. It reads the committed usage without taking any lock or writing any row, so
 * parallel pushes into one project never wait for each other; the price is that pushes checked at the same
 * moment do not see each other, so usage may end above a limit by at most what those pushes bring
 * (docs/operations.md, "Storage limits").
 */
export class StorageQuotaGuard {
  constructor(private readonly ctx: RegistryContext) {}

  /** Throws QUOTA_EXCEEDED (after recording the refusal's audit row and webhooks) when the push would exceed a limit. */
  async admit(target: PushTarget, item: PushedItem, size: number): Promise<Admission> {
    return this.judge(target, await this.ctx.quotas.facts(this.ctx.db.manager, target.project.id, item), item, size);
  }

  /**
   * `admit` into the project that owns `repositoryPath`, looked up in the same statement; throws NAME_UNKNOWN when
   * none does. The admission's target names the project the push goes into.
   */
  async admitOwned(repositoryPath: string, actor: RegistryEventActor, item: PushedItem, size: number): Promise<Admission> {
    const facts = await this.ctx.quotas.factsOfOwner(this.ctx.db.manager, candidateProjectPaths(repositoryPath), item);
    if (!facts) throw new RegistryError('NAME_UNKNOWN', `no project owns the repository ${repositoryPath}`, { name: repositoryPath });
    return this.judge({ project: facts.project, repositoryPath, actor }, facts, item, size);
  }

  private async judge(target: PushTarget, facts: QuotaFacts, item: PushedItem, size: number): Promise<Admission> {
    const needed = facts.stored ? 0 : size;
    const verdict = judgePush(facts.limited, needed);
    if (verdict.refusedBy) {
      const ns = verdict.refusedBy;
      await this.report(target, item, 'exceeded', ns, needed);
      throw new RegistryError('QUOTA_EXCEEDED', refusalMessage(ns, needed), refusalDetail(ns, needed));
    }
    return { target, item, needed, crossed: verdict.crossed };
  }

  /** After the commit: one warning per namespace the push took to 85 % of its limit. */
  async settle(admission: Admission): Promise<void> {
    for (const ns of admission.crossed) await this.report(admission.target, admission.item, 'warning', ns, admission.needed);
  }

  private async report(target: PushTarget, item: PushedItem, state: StorageLimitEvent['state'], ns: LimitedNamespace, needed: number): Promise<void> {
    const event: StorageLimitEvent = {
      projectId: target.project.id,
      projectPath: target.project.fullPath,
      repositoryPath: target.repositoryPath,
      actor: target.actor,
      occurredAt: new Date(),
      state,
      digest: item.digest,
      namespace: { kind: ns.kind, id: ns.id, fullPath: ns.fullPath },
      limit: ns.limit,
      used: ns.used,
      needed,
    };
    const recorded = await this.ctx.db.transaction((db) => this.ctx.events.storageLimit(db, event));
    await this.ctx.events.publish(recorded);
  }
}
