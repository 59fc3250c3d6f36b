import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PaginationQuery } from '../../rest/pagination';

export class ListDeletedTagsQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Only deleted tags whose name contains this text (case-insensitive).' })
  @IsOptional() @IsString() @MaxLength(128)
  name?: string;
}

/** The OCI digest grammar (`algorithm:encoded`), bounded. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export class RestoreTagDto {
  @ApiPropertyOptional({ description: 'Restore the newest deletion of the tag at this manifest digest (default: the newest deletion of the tag).' })
  @IsOptional() @IsString() @MaxLength(200) @Matches(DIGEST)
  digest?: string;
}
