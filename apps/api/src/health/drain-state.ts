/**
 * Whether this api process is shutting down. Set once by the shutdown sequence (main.ts); readiness answers
 * 503 from then on so load balancers stop sending new work while in-flight requests finish.
 */
export class DrainState {
  private draining = false;

  begin(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
