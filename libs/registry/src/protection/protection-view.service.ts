import { RegistryContext } from '../registry-context';
import { judge, ProjectProtection, protectionLevelName, ProtectionLevelName } from './protection-rules';

/** How a tag is protected, and what that means for the caller (the REST tag list's `protection`, the web UI's badges). */
export interface TagProtectionView {
  minimumAccessLevelForPush: ProtectionLevelName | null;
  minimumAccessLevelForDelete: ProtectionLevelName | null;
  immutable: boolean;
  /** Why the caller may not push this tag to another manifest (null: they may). */
  pushRefusal: string | null;
  /** Why the caller may not delete it (null: they may). */
  deleteRefusal: string | null;
}

/** Reads a project's rules (no lock: a listing decides nothing) and describes tags with them. */
export class ProtectionViewService {
  constructor(private readonly ctx: RegistryContext) {}

  /** Each listed tag that some rule protects, by name; unprotected tags are left out. One query. */
  async forTags(projectId: number, repositoryPath: string, tags: string[], level: number): Promise<Map<string, TagProtectionView>> {
    const views = new Map<string, TagProtectionView>();
    if (tags.length === 0) return views;
    const rules = await this.ctx.protectionRules.forProject(this.ctx.db.manager, projectId);
    const protection = new ProjectProtection(rules.tag, rules.repository, this.ctx.protectionPatterns);
    if (protection.isEmpty) return views;
    for (const tag of tags) {
      const effective = protection.forTag(repositoryPath, tag);
      if (!effective.immutable && effective.minimumAccessLevelForPush === null && effective.minimumAccessLevelForDelete === null) continue;
      views.set(tag, {
        minimumAccessLevelForPush: protectionLevelName(effective.minimumAccessLevelForPush),
        minimumAccessLevelForDelete: protectionLevelName(effective.minimumAccessLevelForDelete),
        immutable: effective.immutable,
        pushRefusal: judge('push', effective, repositoryPath, tag, level, true)?.message ?? null,
        deleteRefusal: judge('delete', effective, repositoryPath, tag, level, true)?.message ?? null,
      });
    }
    return views;
  }
}
