import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { hashStream, newHash } from './hashing';

describe('hashStream', () => {
  it('feeds every chunk into the hash and counts the bytes', async () => {
    const chunks = [Buffer.from('first '), Buffer.alloc(70_000, 7), Buffer.from('last')];
    const hash = newHash('sha256');
    expect(await hashStream(Readable.from(chunks), hash)).toBe(70_010);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
  });

  it('fails when the source fails', async () => {
    const source = new Readable({ read() { this.destroy(new Error('disk gone')); } });
    await expect(hashStream(source, newHash('sha256'))).rejects.toThrow('disk gone');
  });
});
