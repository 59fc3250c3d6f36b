import { CreateIdentity1763800000000 } from './1763800000000-CreateIdentity';
import { CreateRegistry1763800001000 } from './1763800001000-CreateRegistry';
import { CreateAccessTokens1763800002000 } from './1763800002000-CreateAccessTokens';
import { CreateWebSessions1763800006000 } from './1763800006000-CreateWebSessions';
import { CreateWebhooksAndAudit1763800007000 } from './1763800007000-CreateWebhooksAndAudit';
import { CreateCleanupPolicies1763800008000 } from './1763800008000-CreateCleanupPolicies';
import { AddUploadWriteLease1763800009000 } from './1763800009000-AddUploadWriteLease';
import { IndexStrandedWork1763800010000 } from './1763800010000-IndexStrandedWork';
import { IndexReferrersByDigest1763800011000 } from './1763800011000-IndexReferrersByDigest';
import { CreateBulkTagDeleteRequests1763800012000 } from './1763800012000-CreateBulkTagDeleteRequests';
import { AddAuditAggregateKey1763800013000 } from './1763800013000-AddAuditAggregateKey';
import { IndexAuditEventsOnAuthor1763800021000 } from './1763800021000-IndexAuditEventsOnAuthor';
import { AddProjectRegistryAccessLevel1763800022000 } from './1763800022000-AddProjectRegistryAccessLevel';
import { AddJobTokenScopeAndDeploySecrets1763800023000 } from './1763800023000-AddJobTokenScopeAndDeploySecrets';
import { AddPendingDeletions1763800024000 } from './1763800024000-AddPendingDeletions';
import { CreateContainerProtectionRules1763800030000 } from './1763800030000-CreateContainerProtectionRules';
import { AddProtectionSkipCounts1763800031000 } from './1763800031000-AddProtectionSkipCounts';
import { AddPullStatistics1763800040000 } from './1763800040000-AddPullStatistics';
import { AddCleanupPolicyPullRules1763800041000 } from './1763800041000-AddCleanupPolicyPullRules';
import { AddRegistryStorageLimits1763800044000 } from './1763800044000-AddRegistryStorageLimits';
import { CreateDeletedTags1763800047000 } from './1763800047000-CreateDeletedTags';
import { CreateContainerVirtualRegistries1763800050000 } from './1763800050000-CreateContainerVirtualRegistries';
import { IndexTagsForListing1763800060000 } from './1763800060000-IndexTagsForListing';
import { AllowOlderThanSixtyDays1763800065000 } from './1763800065000-AllowOlderThanSixtyDays';
import { AddGcReviewIndexes1763800066100 } from './1763800066100-AddGcReviewIndexes';
import { OpenUploadSessionInOneStatement1763800070000 } from './1763800070000-OpenUploadSessionInOneStatement';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const MIGRATIONS = [
  CreateIdentity1763800000000,
  CreateRegistry1763800001000,
  CreateAccessTokens1763800002000,
  CreateWebSessions1763800006000,
  CreateWebhooksAndAudit1763800007000,
  CreateCleanupPolicies1763800008000,
  AddUploadWriteLease1763800009000,
  IndexStrandedWork1763800010000,
  IndexReferrersByDigest1763800011000,
  CreateBulkTagDeleteRequests1763800012000,
  AddAuditAggregateKey1763800013000,
  IndexAuditEventsOnAuthor1763800021000,
  AddProjectRegistryAccessLevel1763800022000,
  AddJobTokenScopeAndDeploySecrets1763800023000,
  AddPendingDeletions1763800024000,
  CreateContainerProtectionRules1763800030000,
  AddProtectionSkipCounts1763800031000,
  AddPullStatistics1763800040000,
  AddCleanupPolicyPullRules1763800041000,
  AddRegistryStorageLimits1763800044000,
  CreateDeletedTags1763800047000,
  CreateContainerVirtualRegistries1763800050000,
  IndexTagsForListing1763800060000,
  AllowOlderThanSixtyDays1763800065000,
  AddGcReviewIndexes1763800066100,
  OpenUploadSessionInOneStatement1763800070000,
];
