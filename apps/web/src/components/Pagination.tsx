/**
 * Previous / "Page N of M" / Next. `totalPages` null: a list the server does not count to the end (past 10 000
 * tags), paged by `hasNext` and shown as "Page N".
 */
export function Pagination({ page, totalPages, hasNext, onPage, label }: { page: number; totalPages: number | null; hasNext?: boolean; onPage: (page: number) => void; label: string }) {
  const last = totalPages === null ? !hasNext : page >= totalPages;
  if (page <= 1 && last) return null;
  return (
    <nav className="pagination" aria-label={label}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </button>
      <span aria-current="page">{totalPages === null ? `Page ${page}` : `Page ${page} of ${totalPages}`}</span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={last}>
        Next
      </button>
    </nav>
  );
}
