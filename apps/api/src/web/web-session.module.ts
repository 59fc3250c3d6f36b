import { Global, Module } from '@nestjs/common';
import { WebSessionService } from './web-session.service';

/**
 * Global so that RestAuthGuard (provided by RestModule) can accept the session cookie without RestModule
 * importing the web UI's module.
 */
@Global()
@Module({
  providers: [WebSessionService],
  exports: [WebSessionService],
})
export class WebSessionModule {}
