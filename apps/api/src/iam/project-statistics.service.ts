import { Injectable } from '@nestjs/common';
import { AccessLevel, ProjectRecord } from '@cargohold/iam';
import { RegistryManagementService } from '@cargohold/registry';

/**
 * GitLab's `statistics` on `GET /projects/:id?statistics=true`, shown to Reporters and above (read_statistics).
 * The registry is the only storage this platform keeps for a project, so it is also the storage size.
 */
@Injectable()
export class ProjectStatisticsService {
  constructor(private readonly registry: RegistryManagementService) {}

  /**
   * The project's deduplicated registry bytes, or null when the caller's level does not show statistics. Only the
   * size: GitLab's statistics carry no tag count, and counting a million tags took most of a second on every call.
   */
  async forProject(project: ProjectRecord, level: number): Promise<{ size: number } | null> {
    if (level < AccessLevel.REPORTER) return null;
    return { size: await this.registry.storedSize([project.id]) };
  }
}
