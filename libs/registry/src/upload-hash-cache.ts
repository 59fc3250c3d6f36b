import { Hash } from 'node:crypto';

interface HashState {
  offset: number;
  hash: Hash;
}

/**
 * The sha256 state of uploads this process is receiving, so the common push (POST, PATCH, PUT) hashes
 * each byte once as it streams in. It is only a cache: when a chunk arrives at another replica, or
 * after a restart, the state is rebuilt from the bytes already in the store.
 */
export class UploadHashCache {
  private readonly states = new Map<string, HashState>();

  constructor(private readonly capacity = 1000) {}

  /** A copy of the hash state at `offset`, or undefined when this process does not hold it. */
  take(id: string, offset: number): Hash | undefined {
    const state = this.states.get(id);
    this.states.delete(id);
    return state && state.offset === offset ? state.hash : undefined;
  }

  put(id: string, offset: number, hash: Hash): void {
    if (this.states.size >= this.capacity) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
    this.states.set(id, { offset, hash });
  }

  forget(id: string): void {
    this.states.delete(id);
  }
}
