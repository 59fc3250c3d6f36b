import { findJsonTextProblem } from './json-scan';

const scan = (text: string, depth = 32) => findJsonTextProblem(Buffer.from(text), depth);

describe('findJsonTextProblem', () => {
  it('accepts ordinary JSON up to the depth limit, brackets inside strings not counted', () => {
    expect(scan('{"a":[1,{"b":"[[[[{{{{"}]}', 3)).toBeUndefined();
    expect(scan('[[[]]]', 3)).toBeUndefined();
    expect(scan('"\\\\u0000"')).toBeUndefined(); // an escaped backslash followed by the text u0000
  });

  it('reports nesting beyond the limit without reading the rest', () => {
    expect(scan('[[[[]]]]', 3)).toEqual({ kind: 'too-deep', limit: 3 });
    const bomb = Buffer.alloc(1024 * 1024, '[');
    const started = process.hrtime.bigint();
    expect(findJsonTextProblem(bomb, 32)).toEqual({ kind: 'too-deep', limit: 32 });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });

  it('reports NUL as an escape in values or keys, and as a raw byte', () => {
    expect(scan('{"name":"a\\u0000b"}')).toEqual({ kind: 'nul' });
    expect(scan('{"a\\u0000":1}')).toEqual({ kind: 'nul' });
    expect(scan('{"name":"a\u0000"}')).toEqual({ kind: 'nul' });
    expect(scan('{"name":"\\u00001"}')).toEqual({ kind: 'nul' });
    expect(scan('{"name":"\\u0001"}')).toBeUndefined();
  });
});
