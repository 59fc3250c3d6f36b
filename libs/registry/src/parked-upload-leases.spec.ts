import { setTimeout as sleep } from 'node:timers/promises';
import { HeldLease, ParkedUploadLeases } from './parked-upload-leases';

function leaseOf(id: string, repositoryPath: string, size: number, leftMs: number): HeldLease {
  return { row: { id, repositoryPath, projectId: 1, size, createdAt: new Date(0) }, endsAt: Date.now() + leftMs };
}

describe('ParkedUploadLeases', () => {
  let released: string[];
  let leases: ParkedUploadLeases;

  beforeEach(() => {
    released = [];
    leases = new ParkedUploadLeases(async (id) => void released.push(id), 30, 2_000);
  });

  it('hands a parked lease to the next request on the same upload and repository, once', () => {
    leases.park(leaseOf('u1', 'group/app', 100, 5_000));
    expect(leases.take('u1', 'group/other')).toBeUndefined();
    expect(leases.take('u1', 'group/app')?.row.size).toBe(100);
    expect(leases.take('u1', 'group/app')).toBeUndefined();
    expect(released).toEqual([]);
  });

  it('releases a lease nobody took within the parking time, and no longer hands it out', async () => {
    leases.park(leaseOf('u1', 'group/app', 100, 5_000));
    await sleep(60);
    expect(released).toEqual(['u1']);
    expect(leases.take('u1', 'group/app')).toBeUndefined();
    expect(leases.size).toBe(0);
  });

  it('does not release a lease that was taken before its parking time ran out', async () => {
    leases.park(leaseOf('u1', 'group/app', 100, 5_000));
    expect(leases.take('u1', 'group/app')).toBeDefined();
    await sleep(60);
    expect(released).toEqual([]);
  });

  it('keeps only the latest parking of an upload, with a fresh parking time', async () => {
    leases.park(leaseOf('u1', 'group/app', 100, 5_000));
    await sleep(20);
    leases.park(leaseOf('u1', 'group/app', 200, 5_000));
    await sleep(20); // past the first parking's time, within the second's
    expect(released).toEqual([]);
    expect(leases.take('u1', 'group/app')?.row.size).toBe(200);
  });

  it('releases instead of handing out a lease with too little left for a chunk', async () => {
    leases.park(leaseOf('u1', 'group/app', 100, 1_000));
    expect(leases.take('u1', 'group/app')).toBeUndefined();
    await sleep(0);
    expect(released).toEqual(['u1']);
  });

  it('forgets a lease without releasing it, and releases all the others at shutdown', async () => {
    leases.park(leaseOf('u1', 'group/app', 1, 5_000));
    leases.park(leaseOf('u2', 'group/app', 2, 5_000));
    leases.park(leaseOf('u3', 'group/app', 3, 5_000));
    leases.forget('u2');
    await leases.releaseAll();
    expect(released.sort()).toEqual(['u1', 'u3']);
    expect(leases.size).toBe(0);
    await sleep(60);
    expect(released).toHaveLength(2);
  });
});
