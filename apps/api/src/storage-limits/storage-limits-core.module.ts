import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StorageLimitService } from '@cargohold/registry';
import { IamCoreModule } from '../iam/iam-core.module';
import { StorageLimitsRequests } from './storage-limits.service';

/** Registry storage limits for the REST endpoints that show or set them (projects, groups, application settings). */
@Module({
  imports: [IamCoreModule],
  providers: [{ provide: StorageLimitService, inject: [DataSource], useFactory: (db: DataSource) => new StorageLimitService(db) }, StorageLimitsRequests],
  exports: [StorageLimitsRequests],
})
export class StorageLimitsCoreModule {}
