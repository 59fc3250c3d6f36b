import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean } from '../../rest/validation';

export class CreateUserDto {
  @IsEmail() @MaxLength(255)
  email!: string;

  @IsString() @MinLength(1) @MaxLength(255)
  username!: string;

  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @IsOptional() @IsString() @MaxLength(128)
  password?: string;

  @IsOptional() @GitlabBoolean()
  admin?: boolean;
}

export class ListUsersQuery extends PaginationQuery {
  @IsOptional() @IsString()
  username?: string;

  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  @IsOptional() @GitlabBoolean()
  active?: boolean;

  @IsOptional() @GitlabBoolean()
  blocked?: boolean;

  @IsOptional() @GitlabBoolean()
  exclude_internal?: boolean;

  @IsOptional() @IsIn(['id', 'username', 'name', 'created_at'])
  order_by?: string;
}

/** `PUT /users/:id`: the attributes the platform models; GitLab's others (bio, skype, projects_limit, ...) are ignored. */
export class UpdateUserDto {
  @IsOptional() @IsEmail() @MaxLength(255)
  email?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  username?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  name?: string;

  @IsOptional() @IsString() @MaxLength(128)
  password?: string;

  @IsOptional() @GitlabBoolean()
  admin?: boolean;
}

/** `DELETE /users/:id`. */
export class DeleteUserQuery {
  /** GitLab: also delete the groups this user solely owns (without it such a user cannot be deleted: 409). */
  @IsOptional() @GitlabBoolean()
  hard_delete?: boolean;
}
