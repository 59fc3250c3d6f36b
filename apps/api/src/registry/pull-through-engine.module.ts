import { Module } from '@nestjs/common';

/** The pull-through engine the /v2/ routes ask (PullThroughEngine); null until libs/upstream's engine is wired here. */
export const PULL_THROUGH_ENGINE = Symbol('PULL_THROUGH_ENGINE');

@Module({
  providers: [{ provide: PULL_THROUGH_ENGINE, useValue: null }],
  exports: [PULL_THROUGH_ENGINE],
})
export class PullThroughEngineModule {}
