import { RegistryContext } from './registry-context';

/**
 * The size update of one chunk, started as soon as its body has ended (the store may still be writing), and
 * undone when the chunk's bytes did not all land: the lease is still held, so nobody else saw the new size.
 * The same statement sets the lease to expire `leaseSeconds` later.
 */
export class UploadSizeRecording {
  to = -1;
  startedAt = 0;
  private recorded: Promise<boolean> | undefined;

  constructor(
    private readonly ctx: RegistryContext,
    private readonly id: string,
    private readonly from: number,
    private readonly leaseSeconds: number,
  ) {}

  start(to: number): void {
    this.to = to;
    this.startedAt = Date.now();
    this.recorded = this.ctx.uploads.advance(this.ctx.db.manager, this.id, this.from, to, this.leaseSeconds);
    this.recorded.catch(() => undefined); // awaited by done() or undo()
  }

  /** Whether the new size is recorded (false: the recorded size had moved, or the body never ended). */
  async done(): Promise<boolean> {
    return this.recorded ? this.recorded : false;
  }

  async undo(): Promise<void> {
    if (!this.recorded || !(await this.recorded.catch(() => false))) return;
    await this.ctx.uploads.advance(this.ctx.db.manager, this.id, this.to, this.from, this.leaseSeconds).catch(() => undefined);
  }
}
