import { EntityManager } from 'typeorm';
import { ManifestCache } from '../manifest-cache';
import { TagQueryRepository } from './tag-query.repository';

export interface TagRankAnchorOptions {
  /** Ranks between two anchors: the most names an anchored page skips. */
  spacing: number;
  /** Offsets below this are read with a plain skip (no anchors needed: the skip is already short). */
  from: number;
  /** Anchors one read adds at most (a repository longer than spacing × this extends its list over several pages). */
  perRead: number;
}

export const DEFAULT_TAG_RANK_ANCHORS: TagRankAnchorOptions = { spacing: 1_000, from: 5_000, perRead: 2_000 };

/** Where an offset page by name starts: a name of known rank, and how many names after it to skip. */
export interface AnchoredStart {
  name: string;
  skip: number;
}

/**
 * Deep offset pages of a tag listing by name without a B-tree skip of the whole offset. PostgreSQL cannot jump to a
 * rank: `OFFSET 900000` walks 900 000 index entries (~60 ms at 1 000 000 tags on the bench machine) on every page.
 * The api keeps, per repository, the name at every `spacing`-th rank (read once, index-only, as far as pages have
 * asked) in its read cache; a page then starts at the nearest anchor below its offset and skips fewer than
 * `spacing` names. The anchors are extended, never rebuilt, as deeper pages are asked for, so the first deep page
 * costs what a plain skip to it costs, and later pages at any depth up to there a short one.
 *
 * Exactness: the anchors are dropped with the repository's other cached entries whenever a tag of it is written
 * or deleted (the same announcement), so a page is what a plain OFFSET reads, except within the moment between a
 * write on another api and its announcement, where it is the page as it was just before that write.
 */
export class TagRankAnchors {
  constructor(
    private readonly cache: ManifestCache | undefined,
    private readonly tags: TagQueryRepository,
    private readonly options: TagRankAnchorOptions = DEFAULT_TAG_RANK_ANCHORS,
  ) {}

  /** Where to start the page at `offset` of the repository's tags by name; undefined: read it with a plain skip. */
  async start(db: EntityManager, repository: { id: number; path: string }, offset: number): Promise<AnchoredStart | undefined> {
    const { spacing } = this.options;
    if (!this.cache || offset < this.options.from) return undefined;
    const wanted = Math.floor(offset / spacing); // the anchor at rank wanted × spacing
    const cached = this.cache.tagRankAnchors(repository.path);
    let anchors = cached?.spacing === spacing ? cached : { spacing, names: [], complete: false };
    if (wanted >= anchors.names.length && !anchors.complete) {
      const ticket = this.cache.begin(repository.path);
      const last = anchors.names.at(-1) ?? null;
      const count = Math.min(wanted + 1 - anchors.names.length, this.options.perRead);
      const added = await this.tags.rankAnchors(db, repository.id, last, count, spacing);
      anchors = { spacing, names: [...anchors.names, ...added], complete: added.length < count };
      this.cache.setTagRankAnchors(repository.path, anchors, ticket);
    }
    if (anchors.names.length === 0) return undefined; // no tags at all
    const index = Math.min(wanted, anchors.names.length - 1);
    return { name: anchors.names[index], skip: offset - index * spacing };
  }
}
