import { Injectable, PipeTransform } from '@nestjs/common';
import { RestValidationError } from './rest-errors';

/** Integer path parameters (`:user_id`, `:token_id`): a non-number is GitLab's 400 `"<name> is invalid"`. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  constructor(private readonly name: string) {}

  transform(value: string): number {
    if (!/^\d{1,15}$/.test(value)) throw new RestValidationError(`${this.name} is invalid`);
    return Number(value);
  }
}

/** `:id` of a project or group: a numeric id or a URL-encoded full path (Express has already decoded it). */
export function resourceRef(value: string): number | string {
  return /^\d{1,15}$/.test(value) ? Number(value) : value;
}
