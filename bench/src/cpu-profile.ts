import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

/**
 * Preloaded into the api (`NODE_OPTIONS=--require .../cpu-profile.js`, since --cpu-prof is refused in
 * NODE_OPTIONS) when BENCH_PROFILE_DIR is set: profiles the whole process and writes a .cpuprofile on exit.
 * The same-thread inspector session answers synchronously, so the profile is written even from 'exit'.
 */
const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `api-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
