import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_ACTIONS, EVENT_TARGET_TYPES, EventAction, EventTargetType } from '@cargohold/iam';
import { PaginationQuery } from '../rest/pagination';

/** GitLab's date format for `before` and `after`. */
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class EventsQuery extends PaginationQuery {
  @IsOptional() @IsIn(EVENT_ACTIONS)
  action?: EventAction;

  @IsOptional() @IsIn(EVENT_TARGET_TYPES)
  target_type?: EventTargetType;

  @IsOptional() @Matches(DATE)
  before?: string;

  @IsOptional() @Matches(DATE)
  after?: string;

  @IsOptional() @IsIn(['asc', 'desc'])
  sort?: 'asc' | 'desc';
}

/** `GET /events` also takes `scope`: `all` lists every event of the caller's projects (other values are ignored, as in GitLab). */
export class CurrentUserEventsQuery extends EventsQuery {
  @IsOptional() @IsString() @MaxLength(32)
  scope?: string;
}
