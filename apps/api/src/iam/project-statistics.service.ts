import { Injectable } from '@nestjs/common';
import { AccessLevel, ProjectRecord } from '@cargohold/iam';
import { RegistryManagementService, RegistryUsage } from '@cargohold/registry';

/**
 * GitLab's `statistics` on `GET /projects/:id?statistics=true`, shown to Reporters and above (read_statistics).
 * The registry is the only storage this platform keeps for a project, so it is also the storage size.
 */
@Injectable()
export class ProjectStatisticsService {
  constructor(private readonly registry: RegistryManagementService) {}

  /** The project's storage usage, or null when the caller's level does not show statistics. */
  async forProject(project: ProjectRecord, level: number): Promise<RegistryUsage | null> {
    if (level < AccessLevel.REPORTER) return null;
    return this.registry.usage([project.id]);
  }
}
