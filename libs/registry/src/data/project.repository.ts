import { EntityManager } from 'typeorm';
import { prepared, queryOne } from '@cargohold/db';

export interface OwningProject {
  id: number;
  fullPath: string;
}

/** Every push and upload asks it: prepared once per connection. */
const FIND_OWNING = prepared(
  'project_find_owning',
  `SELECT id, full_path AS "fullPath" FROM projects WHERE full_path = ANY($1) ORDER BY length(full_path) DESC LIMIT 1`,
);

/** Finds the project an image path belongs to: the longest project path that prefixes it. */
export class ProjectLookupRepository {
  async findOwning(db: EntityManager, candidatePaths: string[]): Promise<OwningProject | null> {
    if (candidatePaths.length === 0) return null;
    return queryOne<OwningProject>(db, FIND_OWNING, [candidatePaths]);
  }
}
