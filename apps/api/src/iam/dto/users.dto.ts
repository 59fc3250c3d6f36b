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
