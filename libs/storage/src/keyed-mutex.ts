/**
 * Serialises async tasks that share a key, within one process. The filesystem driver uses it so
 * that two requests on the same upload (a retried PATCH racing the original, or an append racing
 * its commit) cannot interleave between the size check and the write, or write into a file that
 * is being renamed away.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Drop the entry once nobody queued behind us, so the map does not grow with every upload id.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
