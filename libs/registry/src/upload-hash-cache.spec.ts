import { createHash } from 'node:crypto';
import { UploadHashCache } from './upload-hash-cache';

describe('UploadHashCache', () => {
  it('hands a state back once, and only at the offset it was left at', () => {
    const cache = new UploadHashCache();
    const hash = createHash('sha256');
    cache.put('u1', 10, hash);
    expect(cache.take('u1', 10)).toBe(hash);
    expect(cache.take('u1', 10)).toBeUndefined();
    cache.put('u1', 10, hash);
    expect(cache.take('u1', 20)).toBeUndefined(); // another replica appended meanwhile: rebuild from the store
    expect(cache.take('u1', 10)).toBeUndefined();
  });

  it('forgets the upload least recently given a chunk beyond its capacity', () => {
    const cache = new UploadHashCache(2);
    const [a, b, c] = [createHash('sha256'), createHash('sha256'), createHash('sha256')];
    cache.put('a', 1, a);
    cache.put('b', 1, b);
    cache.put('a', 2, a); // a's next chunk: b is now the oldest
    cache.put('c', 1, c);
    expect(cache.take('b', 1)).toBeUndefined();
    expect(cache.take('a', 2)).toBe(a);
    expect(cache.take('c', 1)).toBe(c);
  });

  it('forgets a cancelled upload', () => {
    const cache = new UploadHashCache();
    cache.put('u', 5, createHash('sha256'));
    cache.forget('u');
    expect(cache.take('u', 5)).toBeUndefined();
  });
});
