import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../../rest/validation';

export class ListRepositoriesQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Include every tag of each repository.' })
  @IsOptional() @GitlabBoolean()
  tags?: boolean;

  @ApiPropertyOptional({ description: 'Include the number of tags of each repository.' })
  @IsOptional() @GitlabBoolean()
  tags_count?: boolean;
}

export class SearchRepositoriesQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Part of the image path (case-insensitive). Without it, every repository the caller can pull from.' })
  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  @ApiPropertyOptional({ description: 'Include the number of tags of each repository.' })
  @IsOptional() @GitlabBoolean()
  tags_count?: boolean;
}

export class RepositoryDetailsQuery {
  @ApiPropertyOptional({ description: 'Include every tag.' })
  @IsOptional() @GitlabBoolean()
  tags?: boolean;

  @ApiPropertyOptional({ description: 'Include the number of tags.' })
  @IsOptional() @GitlabBoolean()
  tags_count?: boolean;

  @ApiPropertyOptional({ description: 'Include the deduplicated size in bytes of the blobs the repository holds.' })
  @IsOptional() @GitlabBoolean()
  size?: boolean;
}

export const TAG_ORDERS = ['name', 'created_at', 'last_pulled_at'] as const;

export class ListTagsQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: ['keyset', 'offset'], description: 'keyset: pages by tag name with a Link rel="next" header (fast at any depth).' })
  @IsOptional() @IsString()
  pagination?: string;

  @ApiPropertyOptional({
    enum: TAG_ORDERS,
    description:
      'name (default); ours, offset pagination only: created_at (newest first with sort=desc, its default; ties by name) or last_pulled_at (most recently pulled first with sort=desc, its default; never-pulled tags last).',
  })
  @IsOptional() @IsIn(TAG_ORDERS)
  order_by?: (typeof TAG_ORDERS)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'The direction of order_by: asc by default for name, desc for created_at and last_pulled_at.' })
  @IsOptional() @IsIn(['asc', 'desc'])
  sort?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'Keyset pagination: the last tag name of the previous page.' })
  @IsOptional() @IsString() @MaxLength(128)
  last?: string;

  @ApiPropertyOptional({ description: 'Only tags whose name contains this text (case-insensitive).' })
  @IsOptional() @IsString() @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({
    description: "Ours, offset pagination only: each tag also carries its TagDetails (revision, short_revision, digest, created_at, total_size, manifest pulls), read in the page's one query.",
  })
  @IsOptional() @GitlabBoolean()
  details?: boolean;
}

/** GitLab's bulk delete parameters; they may come in the query string or a form/JSON body, as GitLab accepts. */
export class BulkDeleteTagsDto {
  @ApiPropertyOptional({ description: 'RE2 regex of the tag names to delete (the whole name must match); `.*` deletes all.' })
  @IsOptional() @IsString()
  name_regex_delete?: string;

  @ApiPropertyOptional({ deprecated: true, description: 'Deprecated: use name_regex_delete.' })
  @IsOptional() @IsString()
  name_regex?: string;

  @ApiPropertyOptional({ description: 'RE2 regex of tag names to keep; wins over name_regex_delete.' })
  @IsOptional() @IsString()
  name_regex_keep?: string;

  @ApiPropertyOptional({ description: 'How many of the newest matching tags to keep.' })
  @IsOptional() @GitlabInteger() @Min(0)
  keep_n?: number;

  @ApiPropertyOptional({ description: 'Only delete tags older than this: `1h`, `7d`, `1month`.' })
  @IsOptional() @IsString() @MaxLength(64)
  older_than?: string;

  @ApiPropertyOptional({ description: 'Ours: keep the N matching tags pulled most recently (tags never pulled are not among them).' })
  @IsOptional() @GitlabInteger() @Min(0)
  keep_n_recently_pulled?: number;

  @ApiPropertyOptional({ description: 'Ours: keep every matching tag pulled within this age, in older_than\'s forms: `7d`, `2 days`, `1month`.' })
  @IsOptional() @IsString() @MaxLength(64)
  keep_pulled_within?: string;
}
