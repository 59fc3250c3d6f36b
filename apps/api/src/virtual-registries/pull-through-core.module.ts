import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG } from '@cargohold/platform';
import { PullThroughCatalog, UpstreamCredentials } from '@cargohold/registry';

/** The process's PullThroughCatalog: upstream configuration and cache bookkeeping, with the credentials key. */
@Module({
  providers: [
    {
      provide: PullThroughCatalog,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) => {
        const box = config.pullThrough.credentialsKey
          ? SecretBox.withKey(config.pullThrough.credentialsKey)
          : SecretBox.inDataDir(config.dataDir, 'upstream-credentials.key');
        return new PullThroughCatalog(db, new UpstreamCredentials(box), config.pullThrough.dependencyProxyUrl);
      },
    },
  ],
  exports: [PullThroughCatalog],
})
export class PullThroughCoreModule {}
