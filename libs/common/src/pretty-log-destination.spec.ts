import { createLogger } from './logger';
import { formatPrettyLine, prettyDestination } from './pretty-log-destination';

describe('pretty log lines (LOG_FORMAT=pretty)', () => {
  it('puts time, level, component and message first, then the other fields as key=value', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-11-22T20:41:08.123Z', component: 'api', method: 'GET', path: '/v2/', status: 200, ms: 3, msg: 'request' });
    expect(formatPrettyLine(line)).toBe('20:41:08.123 INFO  api: request method=GET path=/v2/ status=200 ms=3\n');
  });

  it('quotes values with spaces and shows objects as JSON', () => {
    const line = JSON.stringify({ level: 'warn', time: '2026-11-22T00:00:00.000Z', msg: 'slow', reason: 'two words', detail: { a: 1 } });
    expect(formatPrettyLine(line)).toBe('00:00:00.000 WARN  slow reason="two words" detail={"a":1}\n');
  });

  it('passes a line that is not JSON through', () => {
    expect(formatPrettyLine('plain text')).toBe('plain text\n');
  });

  it('is what createLogger writes with format pretty, secrets still redacted', () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((text: string) => written.push(text)) as typeof process.stdout.write;
    try {
      createLogger({ level: 'info', format: 'pretty', component: 'worker' }).info({ token: 'glpat-secret', jobs: 2 }, 'started');
    } finally {
      process.stdout.write = original;
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}worker: started token=\[redacted\] jobs=2\n$/);
  });

  it('writes through the destination it is given', () => {
    const out: string[] = [];
    prettyDestination({ write: (text: string) => out.push(text) }).write('{"level":"error","msg":"boom"}');
    expect(out).toEqual(['ERROR boom\n']);
  });
});
