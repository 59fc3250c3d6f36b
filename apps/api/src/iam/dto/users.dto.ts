import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PaginationQuery } from '../../rest/pagination';
import { ToBoolean } from '../../rest/validation';

export class CreateUserDto {
  @IsEmail() @MaxLength(255)
  email!: string;

  @IsString() @MinLength(1) @MaxLength(255)
  username!: string;

  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @IsOptional() @IsString() @MaxLength(128)
  password?: string;

  @IsOptional() @ToBoolean() @IsBoolean()
  admin?: boolean;
}

export class ListUsersQuery extends PaginationQuery {
  @IsOptional() @IsString()
  username?: string;

  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  @IsOptional() @ToBoolean() @IsBoolean()
  active?: boolean;

  @IsOptional() @ToBoolean() @IsBoolean()
  blocked?: boolean;

  @IsOptional() @ToBoolean() @IsBoolean()
  exclude_internal?: boolean;

  @IsOptional() @IsIn(['id', 'username', 'name', 'created_at'])
  order_by?: string;
}
