import { Module } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { RegistryPermissionService, RegistryTokenService, RegistryTokenVerifier, SigningKeyRing } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { IamCoreModule } from '../iam/iam-core.module';
import { JwtAuthController } from './jwt-auth.controller';

/** The Docker token service (/jwt/auth) and the verifier the /v2/ guard uses. */
@Module({
  imports: [IamCoreModule],
  controllers: [JwtAuthController],
  providers: [
    {
      provide: SigningKeyRing,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const ring = SigningKeyRing.inDataDir(config.dataDir);
        ring.init();
        return ring;
      },
    },
    {
      provide: RegistryTokenService,
      inject: [SigningKeyRing, RegistryPermissionService, APP_CONFIG],
      useFactory: (keys: SigningKeyRing, permissions: RegistryPermissionService, config: AppConfig) =>
        new RegistryTokenService(keys, permissions, config.registryTokenTtl),
    },
    { provide: RegistryTokenVerifier, inject: [SigningKeyRing], useFactory: (keys: SigningKeyRing) => new RegistryTokenVerifier(keys) },
  ],
  exports: [RegistryTokenVerifier, RegistryTokenService, SigningKeyRing],
})
export class TokenModule {}
