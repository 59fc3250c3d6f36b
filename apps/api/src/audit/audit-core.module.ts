import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AuditLog } from '@cargohold/iam';
import { LOGGER } from '@cargohold/platform';

/** The audit trail writer, global so the token service, the IAM controllers and the registry sink can record. */
@Global()
@Module({
  providers: [
    {
      provide: AuditLog,
      inject: [DataSource, LOGGER],
      useFactory: (db: DataSource, logger: Logger) => new AuditLog(db, (err, event) => logger.error({ err, event }, 'recording an audit event failed')),
    },
  ],
  exports: [AuditLog],
})
export class AuditCoreModule {}
