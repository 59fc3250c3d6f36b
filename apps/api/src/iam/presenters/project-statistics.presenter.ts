import { ProjectStatisticsEntity } from './project.entity';

/**
 * GitLab's ProjectStatistics entity. Only the registry holds data here: the git, wiki, LFS, artifact, package,
 * snippet and upload figures are 0, and `storage_size` is the registry's deduplicated size.
 */
export function presentProjectStatistics(usage: { size: number }): ProjectStatisticsEntity {
  return {
    commit_count: 0,
    storage_size: usage.size,
    repository_size: 0,
    wiki_size: 0,
    lfs_objects_size: 0,
    job_artifacts_size: 0,
    pipeline_artifacts_size: 0,
    packages_size: 0,
    snippets_size: 0,
    uploads_size: 0,
    container_registry_size: usage.size,
  };
}
