import { Provider } from '@nestjs/common';
import { CleanupPolicyService, RegistryContext } from '@cargohold/registry';

export const cleanupPolicyServiceProvider: Provider = {
  provide: CleanupPolicyService,
  inject: [RegistryContext],
  useFactory: (ctx: RegistryContext) => new CleanupPolicyService(ctx),
};
