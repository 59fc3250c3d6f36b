import { Module } from '@nestjs/common';
import { RestModule } from '../rest/rest.module';
import { readBuildInfo } from './build-info';
import { MetadataController } from './metadata.controller';
import { BUILD_INFO } from './metadata.tokens';

/** `GET /version`, `GET /metadata`: the version and revision are read once, when the api starts. */
@Module({
  imports: [RestModule],
  providers: [{ provide: BUILD_INFO, useFactory: () => readBuildInfo() }],
  controllers: [MetadataController],
})
export class MetadataModule {}
