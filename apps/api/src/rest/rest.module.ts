import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { IamCoreModule } from '../iam/iam-core.module';
import { GitlabExceptionFilter } from './gitlab-exception.filter';
import { RestAuthGuard } from './rest-auth.guard';
import { UnmatchedRouteFilter } from './unmatched-route.filter';

/** Shared /api/v4 plumbing: import it in any module whose controllers use @RestController. */
@Module({
  imports: [IamCoreModule],
  providers: [RestAuthGuard, GitlabExceptionFilter, { provide: APP_FILTER, useClass: UnmatchedRouteFilter }],
  exports: [IamCoreModule, RestAuthGuard, GitlabExceptionFilter],
})
export class RestModule {}
