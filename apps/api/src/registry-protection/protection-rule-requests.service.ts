import { Injectable } from '@nestjs/common';
import { Actor, RegistryPermissionService, ResourceRef, restProtectionAccessLevel } from '@cargohold/iam';
import { ProtectionRule, ProtectionRuleService, RuleChanger, RuleInput, RuleKind } from '@cargohold/registry';
import { eventActorOf } from '../registry-management/registry-requests.service';

/** Protection rule use cases: Maintainers of the project (GitLab's admin_container_image) list and change rules. */
@Injectable()
export class ProtectionRuleRequests {
  constructor(
    private readonly permissions: RegistryPermissionService,
    private readonly rules: ProtectionRuleService,
  ) {}

  async list<K extends RuleKind>(actor: Actor | null, ref: ResourceRef, kind: K): Promise<ProtectionRule<K>[]> {
    const { project } = await this.permissions.requireProject(actor, ref, 'admin');
    return this.rules.list(kind, project.id);
  }

  async create<K extends RuleKind>(actor: Actor | null, ref: ResourceRef, kind: K, input: RuleInput): Promise<ProtectionRule<K>> {
    return this.rules.create(kind, await this.changer(actor, ref), input);
  }

  async update<K extends RuleKind>(actor: Actor | null, ref: ResourceRef, kind: K, ruleId: number, input: RuleInput): Promise<ProtectionRule<K>> {
    return this.rules.update(kind, await this.changer(actor, ref), ruleId, input);
  }

  async delete(actor: Actor | null, ref: ResourceRef, kind: RuleKind, ruleId: number): Promise<void> {
    await this.rules.delete(kind, await this.changer(actor, ref), ruleId);
  }

  private async changer(actor: Actor | null, ref: ResourceRef): Promise<RuleChanger> {
    const { project, level } = await this.permissions.requireProject(actor, ref, 'admin');
    return { project: { id: project.id, fullPath: project.fullPath }, level: restProtectionAccessLevel(actor, level), actor: eventActorOf(actor) };
  }
}
