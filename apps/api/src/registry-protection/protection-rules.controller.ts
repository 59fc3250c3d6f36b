import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Actor } from '@cargohold/iam';
import { CurrentActor } from '../rest/current-actor.decorator';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowJobToken } from '../rest/route-access.decorator';
import { RegistryApiDoc } from '../registry-management/api-docs.decorators';
import { RepositoryRuleDto, TagRuleDto } from './protection-rule.dto';
import { ruleInput } from './protection-rule-params';
import { presentRepositoryRule, presentTagRule } from './protection-rule.presenter';
import { ProtectionRuleRequests } from './protection-rule-requests.service';

const RULE_ID = new ParseIdPipe('protection_rule_id');
const TAG_RULES = ':id/registry/protection/tag/rules';
const REPOSITORY_RULES = ':id/registry/protection/repository/rules';
const WRITE_STATUSES = [400, 401, 403, 404, 422];

/** GitLab's container registry protection tag rules API (`/projects/:id/registry/protection/tag/rules`). */
@RestController('projects')
export class TagProtectionRulesController {
  constructor(private readonly requests: ProtectionRuleRequests) {}

  @Get(TAG_RULES)
  @AllowJobToken()
  @RegistryApiDoc('List the protection tag rules of a project (Maintainer)')
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    return (await this.requests.list(actor, resourceRef(id), 'tag')).map(presentTagRule);
  }

  @Post(TAG_RULES)
  @AllowJobToken()
  @RegistryApiDoc('Create a protection tag rule (Maintainer; both levels unset: an immutable rule)', WRITE_STATUSES)
  async create(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: TagRuleDto) {
    return presentTagRule(await this.requests.create(actor, resourceRef(id), 'tag', ruleInput(body.tag_name_pattern, body)));
  }

  @Patch(`${TAG_RULES}/:protection_rule_id`)
  @AllowJobToken()
  @RegistryApiDoc('Update a protection tag rule (Maintainer; an immutable rule: Owner)', WRITE_STATUSES)
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('protection_rule_id', RULE_ID) ruleId: number, @Body() body: TagRuleDto) {
    return presentTagRule(await this.requests.update(actor, resourceRef(id), 'tag', ruleId, ruleInput(body.tag_name_pattern, body)));
  }

  @Delete(`${TAG_RULES}/:protection_rule_id`)
  @HttpCode(204)
  @AllowJobToken()
  @RegistryApiDoc('Delete a protection tag rule (Maintainer; an immutable rule: Owner)')
  async remove(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('protection_rule_id', RULE_ID) ruleId: number): Promise<void> {
    await this.requests.delete(actor, resourceRef(id), 'tag', ruleId);
  }
}

/** GitLab's container repository protection rules API (`/projects/:id/registry/protection/repository/rules`). */
@RestController('projects')
export class RepositoryProtectionRulesController {
  constructor(private readonly requests: ProtectionRuleRequests) {}

  @Get(REPOSITORY_RULES)
  @AllowJobToken()
  @RegistryApiDoc('List the container repository protection rules of a project (Maintainer)')
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    return (await this.requests.list(actor, resourceRef(id), 'repository')).map(presentRepositoryRule);
  }

  @Post(REPOSITORY_RULES)
  @AllowJobToken()
  @RegistryApiDoc('Create a container repository protection rule (Maintainer)', WRITE_STATUSES)
  async create(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: RepositoryRuleDto) {
    return presentRepositoryRule(await this.requests.create(actor, resourceRef(id), 'repository', ruleInput(body.repository_path_pattern, body)));
  }

  @Patch(`${REPOSITORY_RULES}/:protection_rule_id`)
  @AllowJobToken()
  @RegistryApiDoc('Update a container repository protection rule (Maintainer)', WRITE_STATUSES)
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('protection_rule_id', RULE_ID) ruleId: number, @Body() body: RepositoryRuleDto) {
    return presentRepositoryRule(await this.requests.update(actor, resourceRef(id), 'repository', ruleId, ruleInput(body.repository_path_pattern, body)));
  }

  @Delete(`${REPOSITORY_RULES}/:protection_rule_id`)
  @HttpCode(204)
  @AllowJobToken()
  @RegistryApiDoc('Delete a container repository protection rule (Maintainer)')
  async remove(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('protection_rule_id', RULE_ID) ruleId: number): Promise<void> {
    await this.requests.delete(actor, resourceRef(id), 'repository', ruleId);
  }
}
