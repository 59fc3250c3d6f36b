/**
 * Everything the bench starts registers how to undo it here; `runCleanup` undoes it in reverse order, once,
 * whether the bench finished, failed, or was interrupted (Ctrl-C, SIGTERM).
 */
type Undo = { label: string; run: () => unknown };

const stack: Undo[] = [];
let running: Promise<void> | undefined;

export function onCleanup(label: string, run: () => unknown): void {
  stack.push({ label, run });
}

export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (stack.length > 0) {
      const undo = stack.pop()!;
      const started = Date.now();
      try {
        await undo.run();
        if (Date.now() - started > 2_000) process.stderr.write(`cleanup: ${undo.label} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        process.stderr.write(`cleanup: ${undo.label} failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return running;
}

export function cleanupOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping servers and removing temporary state...\n`);
      void runCleanup().finally(() => process.exit(130));
    });
  }
}
