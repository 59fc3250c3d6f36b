import { useState } from 'react';
import { CacheEntry, deleteCacheEntry, listCacheEntries, RegistryUpstream } from '../api/virtual-registries';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { DataTable, pageOf } from '../components/DataTable';
import { formatBytes, formatDate, shortDigest } from '../components/format';
import { ErrorState, InlineError } from '../components/States';
import { useAction } from '../components/useAction';
import { useAsync } from '../components/useAsync';

/** Entries read per upstream (the page says when it stopped); a registry has at most 5 upstreams. */
const ENTRIES_PER_UPSTREAM = 500;
const PER_PAGE = 20;

/** What a cached path holds: `library/alpine/manifests/3.20` is the manifest of tag 3.20 of library/alpine. */
export function describeEntry(relativePath: string): { image: string; kind: 'manifest' | 'blob' | 'file'; reference: string } {
  const found = /^(.*)\/(manifests|blobs)\/([^/]+)$/.exec(relativePath);
  if (!found) return { image: relativePath, kind: 'file', reference: '' };
  return { image: found[1], kind: found[2] === 'manifests' ? 'manifest' : 'blob', reference: found[3] };
}

interface Row extends CacheEntry {
  upstreamName: string;
}

/**
 * The cached manifests and blobs of a registry's upstreams, most recently pulled first, with their sizes and when
 * they were last pulled; a Maintainer deletes one (the next pull fetches it again).
 */
export function CacheEntriesTable({ registryId, upstreams, version, refusal }: { registryId: number; upstreams: RegistryUpstream[]; version: number; refusal: string | null }) {
  const [page, setPage] = useState(1);
  const [removing, setRemoving] = useState<Row | null>(null);
  const remove = useAction();
  const ids = upstreams.map((upstream) => upstream.id).join(',');
  const entries = useAsync(async () => {
    const lists = await Promise.all(upstreams.map((upstream) => listCacheEntries(upstream.id, ENTRIES_PER_UPSTREAM)));
    const rows = lists.flatMap((list, i) => list.items.map((entry): Row => ({ ...entry, upstreamName: upstreams[i].name })));
    rows.sort((a, b) => b.downloaded_at.localeCompare(a.downloaded_at) || a.relative_path.localeCompare(b.relative_path));
    return { rows, truncated: lists.some((list) => list.truncated) };
  }, [ids, version]);
  const headingId = `registry-${registryId}-cache-title`;
  const shown = entries.data ? pageOf(entries.data.rows, page, PER_PAGE) : undefined;

  const confirmRemove = () =>
    void remove.run(async () => {
      const entry = removing!;
      setRemoving(null);
      await deleteCacheEntry(entry.id);
      entries.reload();
    });

  return (
    <section aria-labelledby={headingId} data-testid={`registry-${registryId}-cache`}>
      <h4 id={headingId}>Cached images</h4>
      {entries.error ? (
        <ErrorState error={entries.error} onRetry={entries.reload} />
      ) : (
        <DataTable<Row>
          label="Cached entries"
          labelledBy={headingId}
          rows={shown?.rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `cache-entry-${row.relative_path}`}
          loadingLabel="Loading cached entries…"
          empty={<p className="hint">Nothing cached yet: the first pull through this registry fills the cache.</p>}
          columns={[
            { header: 'Image', className: 'mono', testId: 'entry-image', cell: (row) => describeEntry(row.relative_path).image },
            {
              header: 'Tag or digest',
              className: 'mono',
              testId: 'entry-reference',
              cell: (row) => {
                const { kind, reference } = describeEntry(row.relative_path);
                return (
                  <>
                    <span title={row.digest}>{reference.includes(':') ? shortDigest(reference) : reference}</span> <span className="badge">{kind}</span>
                  </>
                );
              },
            },
            { header: 'Size', testId: 'entry-size', cell: (row) => formatBytes(row.size) },
            { header: 'Last pulled', testId: 'entry-pulled', cell: (row) => formatDate(row.downloaded_at) },
            { header: 'Pulls', className: 'hide-narrow', testId: 'entry-pulls', cell: (row) => row.downloads_count },
            { header: 'Checked upstream', className: 'hide-narrow', cell: (row) => formatDate(row.upstream_checked_at) },
            { header: 'Upstream', testId: 'entry-upstream', cell: (row) => row.upstreamName },
            {
              header: 'Actions',
              hideHeader: true,
              className: 'actions',
              cell: (row) => (
                <button
                  type="button"
                  className="danger small"
                  disabled={refusal !== null}
                  title={refusal ?? undefined}
                  onClick={() => setRemoving(row)}
                  aria-label={`Delete cached ${row.relative_path}`}
                >
                  Delete
                </button>
              ),
            },
          ]}
          pages={shown && shown.totalPages > 1 ? { label: 'Cached entries pages', page: shown.page, totalPages: shown.totalPages, onPage: setPage } : undefined}
        />
      )}
      {entries.data?.truncated && <p className="hint">Showing the first {ENTRIES_PER_UPSTREAM} entries of each upstream.</p>}
      <InlineError error={remove.error} />
      {removing && (
        <ConfirmPanel
          title={`Delete the cached ${removing.relative_path}?`}
          detail="The next pull fetches it from the upstream again."
          busy={remove.busy}
          onConfirm={confirmRemove}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
