import type { Response } from 'express';
import { loadConfig } from '@cargohold/config';
import { DrainState } from './drain-state';
import { HealthController } from './health.controller';

/** Captures what the controller answers; the probes themselves are covered by the e2e suites. */
function response(): Response & { answered?: { status: number; body: unknown } } {
  const res = {
    statusCode: 200,
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json(body: unknown) {
      (res as { answered?: unknown }).answered = { status: res.statusCode, body };
      return res;
    },
  };
  return res as unknown as Response & { answered?: { status: number; body: unknown } };
}

describe('HealthController readiness', () => {
  it('answers 503 draining, without probing anything, once the shutdown began', async () => {
    const unreachable = () => {
      throw new Error('must not be probed while draining');
    };
    const drain = new DrainState();
    const controller = new HealthController({ query: unreachable } as never, { ping: unreachable } as never, { ping: unreachable } as never, loadConfig({}), drain);
    drain.begin();
    const res = response();
    await controller.readiness(res);
    expect(res.answered).toEqual({ status: 503, body: { status: 'draining', checks: {} } });
  });
});
