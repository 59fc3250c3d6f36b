import { Hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

interface HashState {
  offset: number;
  hash: Hash;
}

/**
 * The sha256 state of uploads this process is receiving, so the common push (POST, PATCH, PUT) hashes
 * each byte once as it streams in. It is only a cache: when a chunk arrives at another replica, or
 * after a restart, the state is rebuilt from the bytes already in the store. Bounded: beyond `capacity`
 * uploads, the one least recently given a chunk is forgotten.
 */
export class UploadHashCache {
  private readonly states: LRUCache<string, HashState>;

  constructor(capacity = 1000) {
    this.states = new LRUCache({ max: capacity });
  }

  /** The hash state at `offset`, taken out of the cache, or undefined when this process does not hold it. */
  take(id: string, offset: number): Hash | undefined {
    const state = this.states.get(id);
    this.states.delete(id);
    return state && state.offset === offset ? state.hash : undefined;
  }

  put(id: string, offset: number, hash: Hash): void {
    this.states.set(id, { offset, hash });
  }

  forget(id: string): void {
    this.states.delete(id);
  }
}
