import { Module } from '@nestjs/common';
import { ProtectionRuleService, RegistryContext } from '@cargohold/registry';
import { RegistryModule } from '../registry/registry.module';
import { RestModule } from '../rest/rest.module';
import { ProtectionRuleRequests } from './protection-rule-requests.service';
import { RepositoryProtectionRulesController, TagProtectionRulesController } from './protection-rules.controller';

/** Protected and immutable tags, protected repositories: GitLab's protection rule APIs. Enforcement lives in libs/registry. */
@Module({
  imports: [RestModule, RegistryModule],
  providers: [ProtectionRuleRequests, { provide: ProtectionRuleService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new ProtectionRuleService(ctx) }],
  controllers: [TagProtectionRulesController, RepositoryProtectionRulesController],
})
export class RegistryProtectionModule {}
