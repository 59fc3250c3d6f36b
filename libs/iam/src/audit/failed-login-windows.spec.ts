import { FailedLoginWindows } from './failed-login-windows';

describe('FailedLoginWindows', () => {
  let clock = 0;
  beforeEach(() => (clock = 1_700_000_000_000));

  it('gives one key per address and name (any case) per minute', () => {
    const windows = new FailedLoginWindows({ windowMs: 60_000, maxKeysPerWindow: 10 }, () => clock);
    const first = windows.slotFor('10.0.0.1', 'Root');
    expect(windows.slotFor('10.0.0.1', 'root')).toEqual(first);
    expect(windows.slotFor('10.0.0.2', 'root').key).not.toBe(first.key);
    expect(windows.slotFor('10.0.0.1', 'alice').key).not.toBe(first.key);
    clock += 60_000;
    expect(windows.slotFor('10.0.0.1', 'root').key).not.toBe(first.key);
  });

  it('folds failures beyond the per-window cap into one overflow key, and starts afresh next window', () => {
    const windows = new FailedLoginWindows({ windowMs: 60_000, maxKeysPerWindow: 3 }, () => clock);
    const keys = ['a', 'b', 'c'].map((name) => windows.slotFor('10.0.0.1', name));
    expect(keys.every((slot) => !slot.overflow)).toBe(true);
    const over = [windows.slotFor('10.0.0.1', 'd'), windows.slotFor('10.9.9.9', 'e')];
    expect(over.every((slot) => slot.overflow)).toBe(true);
    expect(over[0].key).toBe(over[1].key);
    // Keys already open in the window still count in their own row.
    expect(windows.slotFor('10.0.0.1', 'a')).toEqual(keys[0]);
    clock += 60_000;
    expect(windows.slotFor('10.0.0.1', 'd').overflow).toBe(false);
  });

  it('keeps keys short whatever the name tried', () => {
    const windows = new FailedLoginWindows({}, () => clock);
    expect(windows.slotFor('10.0.0.1', 'x'.repeat(10_000)).key).toMatch(/^[0-9a-f]{64}$/);
  });
});
