/** What the tag list's checkboxes hold: tags picked by name (kept across pages), or every tag the filter matches. */
export type TagSelection = { kind: 'names'; names: Set<string> } | { kind: 'matching'; filter: string };

export const NO_SELECTION: TagSelection = { kind: 'names', names: new Set() };

interface Props {
  selection: TagSelection;
  /** Every selectable tag of the page shown is selected: offer the whole list. */
  pageAllSelected: boolean;
  /** More than one page of tags match the filter. */
  morePages: boolean;
  /** How many tags match the filter; null past what the server counts. */
  matching: number | null;
  filter: string;
  onSelectMatching: () => void;
  onClear: () => void;
  onDelete: () => void;
}

/** "N matching" in words: the server counts up to 10 000. */
export function matchingLabel(matching: number | null, filter: string): string {
  const count = matching === null ? 'more than 10 000' : String(matching);
  return filter ? `${count} tags matching "${filter}"` : `${count} tags`;
}

/** The bulk actions above the tag list: delete the picked tags, or widen the pick to every matching tag. */
export function TagSelectionBar({ selection, pageAllSelected, morePages, matching, filter, onSelectMatching, onClear, onDelete }: Props) {
  if (selection.kind === 'matching') {
    return (
      <p className="notice" role="status" data-testid="selection-status">
        All {matchingLabel(matching, selection.filter)} are selected.{' '}
        <button type="button" className="danger" onClick={onDelete} data-testid="delete-all-matching">
          Delete all matching
        </button>{' '}
        <button type="button" onClick={onClear}>
          Clear selection
        </button>
      </p>
    );
  }
  const count = selection.names.size;
  if (count === 0) return null;
  return (
    <p className="notice" role="status" data-testid="selection-status">
      {count} tag(s) selected{morePages ? ', on any page' : ''}.{' '}
      <button type="button" className="danger" onClick={onDelete} data-testid="delete-selected">
        Delete selected ({count})
      </button>{' '}
      {pageAllSelected && morePages && (
        <>
          <button type="button" onClick={onSelectMatching} data-testid="select-all-matching">
            Select all {matchingLabel(matching, filter)}
          </button>{' '}
        </>
      )}
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
    </p>
  );
}
