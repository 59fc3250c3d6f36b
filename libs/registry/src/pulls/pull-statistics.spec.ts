import type { Logger } from '@cargohold/common';
import { PullBatchWriter, PullStatistics } from './pull-statistics';
import { PullBatch, PullBatchSkipped } from './pull-tally';

const quiet = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), debug: jest.fn() } as unknown as Logger;
const NOTHING_SKIPPED: PullBatchSkipped = { tags: [], manifests: [] };

/** Keeps every batch it is given; answers what `answer` says (skipped rows, or a failure). */
class RecordingWriter implements PullBatchWriter {
  readonly batches: PullBatch[] = [];
  answer: () => Promise<PullBatchSkipped> = async () => NOTHING_SKIPPED;
  write(batch: PullBatch): Promise<PullBatchSkipped> {
    this.batches.push(batch);
    return this.answer();
  }
}

jest.setTimeout(5000);

describe('PullStatistics', () => {
  let clock: number;
  let writer: RecordingWriter;
  const make = (options = {}) => new PullStatistics(writer, quiet, { flushIntervalMs: 60_000, ...options }, () => clock);

  beforeEach(() => {
    clock = 1_000_000;
    writer = new RecordingWriter();
  });

  it('adds up pulls by tag and by digest per manifest, keeping the latest time of each', async () => {
    const pulls = make();
    pulls.record(7, 'v1');
    clock += 10;
    pulls.record(7, 'v1');
    pulls.record(7, 'stable');
    clock += 10;
    pulls.record(7, null);
    pulls.record(8, null);
    await pulls.flush();

    expect(writer.batches).toHaveLength(1);
    const [batch] = writer.batches;
    expect(batch.manifests).toEqual([
      { manifestId: 7, n: 4, at: new Date(1_000_020) },
      { manifestId: 8, n: 1, at: new Date(1_000_020) },
    ]);
    expect(batch.tagsByName).toEqual([
      { manifestId: 7, name: 'v1', n: 2, at: new Date(1_000_010) },
      { manifestId: 7, name: 'stable', n: 1, at: new Date(1_000_010) },
    ]);
    expect(batch.tagsByDigest).toEqual([
      { manifestId: 7, n: 1, at: new Date(1_000_020) },
      { manifestId: 8, n: 1, at: new Date(1_000_020) },
    ]);
  });

  it('writes nothing when nothing was pulled, and starts afresh after each write', async () => {
    const pulls = make();
    await pulls.flush();
    expect(writer.batches).toHaveLength(0);
    pulls.record(1, 'a');
    await pulls.flush();
    pulls.record(1, 'a');
    await pulls.flush();
    expect(writer.batches.map((batch) => batch.tagsByName[0].n)).toEqual([1, 1]);
  });

  it('puts a failed write back, so the next one carries its counts', async () => {
    const pulls = make();
    writer.answer = async () => {
      throw new Error('database unreachable');
    };
    pulls.record(3, 'v1');
    pulls.record(3, null);
    await pulls.flush();
    writer.answer = async () => NOTHING_SKIPPED;
    clock += 5;
    pulls.record(3, 'v1');
    await pulls.flush();

    const last = writer.batches[1];
    expect(last.manifests).toEqual([{ manifestId: 3, n: 3, at: new Date(1_000_005) }]);
    expect(last.tagsByName).toEqual([{ manifestId: 3, name: 'v1', n: 2, at: new Date(1_000_005) }]);
    expect(last.tagsByDigest).toEqual([{ manifestId: 3, n: 1, at: new Date(1_000_000) }]);
  });

  it('retries rows a write skipped (locked by a push or a delete) by their id', async () => {
    const pulls = make();
    const at = new Date(1_000_000);
    writer.answer = async () => ({ tags: [{ id: 41, n: 2, at }], manifests: [{ id: 9, n: 2, at }] });
    pulls.record(9, 'v1');
    pulls.record(9, 'v1');
    await pulls.flush();
    writer.answer = async () => NOTHING_SKIPPED;
    await pulls.flush();

    expect(writer.batches[1]).toEqual({ manifests: [], tagsByName: [], tagsByDigest: [], retriedTags: [{ id: 41, n: 2, at }], retriedManifests: [{ id: 9, n: 2, at }] });
    await pulls.flush();
    expect(writer.batches).toHaveLength(2);
  });

  it('writes early once flushKeys are waiting, and stops counting new ones beyond maxKeys', async () => {
    let release!: () => void;
    writer.answer = () => new Promise((resolve) => (release = () => resolve(NOTHING_SKIPPED)));
    const pulls = make({ flushKeys: 3, maxKeys: 4 });
    pulls.record(1, null);
    pulls.record(2, null);
    expect(writer.batches).toHaveLength(0);
    pulls.record(3, null); // the third key starts a write
    expect(writer.batches).toHaveLength(1);
    // While it is under way, the tally fills up to maxKeys and then drops new keys.
    for (let id = 10; id < 20; id++) pulls.record(id, null);
    writer.answer = async () => NOTHING_SKIPPED;
    release();
    await pulls.close();
    expect(writer.batches).toHaveLength(2);
    expect(writer.batches[1].manifests.map((row) => row.manifestId)).toEqual([10, 11, 12, 13]);
    expect(quiet.warn).toHaveBeenCalledWith(expect.objectContaining({ dropped: 6 }), expect.any(String));
  });

  it('writes what is left on close, after the write under way', async () => {
    let release!: () => void;
    writer.answer = () => new Promise((resolve) => (release = () => resolve(NOTHING_SKIPPED)));
    const pulls = make();
    pulls.record(1, 'a');
    const first = pulls.flush();
    pulls.record(2, 'b');
    const closing = pulls.close();
    writer.answer = async () => NOTHING_SKIPPED;
    release();
    await first;
    await closing;
    expect(writer.batches.map((batch) => batch.tagsByName.map((tag) => tag.name))).toEqual([['a'], ['b']]);
  });
});
