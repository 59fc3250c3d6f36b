import { Get, Inject } from '@nestjs/common';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowScopes } from '../rest/route-access.decorator';
import { BuildInfo } from './build-info';
import { BUILD_INFO } from './metadata.tokens';
import { presentMetadata, presentVersion } from './metadata.presenter';

/** `GET /version` and `GET /metadata` (GitLab's version.md and metadata.md): for any signed-in caller. */
@RestController()
export class MetadataController {
  constructor(@Inject(BUILD_INFO) private readonly build: BuildInfo) {}

  @Get('version')
  @AllowScopes('read_user')
  version() {
    return presentVersion(this.build);
  }

  @Get('metadata')
  @AllowScopes('read_user')
  metadata() {
    return presentMetadata(this.build);
  }
}
