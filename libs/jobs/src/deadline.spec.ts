import { QueueUnavailableError, withQueueDeadline } from './deadline';

describe('withQueueDeadline', () => {
  it('passes through what settles in time', async () => {
    await expect(withQueueDeadline(Promise.resolve('job-1'), 1000, 'queueing')).resolves.toBe('job-1');
    await expect(withQueueDeadline(Promise.reject(new Error('refused')), 1000, 'queueing')).rejects.toThrow('refused');
  });

  it('gives up on work that never settles (BullMQ waiting for a reconnect) with QueueUnavailableError', async () => {
    const started = Date.now();
    const never = new Promise<never>(() => undefined);
    await expect(withQueueDeadline(never, 50, 'queueing deliver-webhook')).rejects.toThrow(QueueUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not turn a late failure of the abandoned work into an unhandled rejection', async () => {
    let fail!: (error: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    await expect(withQueueDeadline(late, 10, 'queueing')).rejects.toThrow(/did not answer within 10 ms/);
    fail(new Error('connection closed'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
