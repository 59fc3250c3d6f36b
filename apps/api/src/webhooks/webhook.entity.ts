import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GITLAB_HOOK_FLAGS } from './webhook.dto';

/**
 * GitLab's ProjectHook / GroupHook entity plus `registry_events` (the response shape for the OpenAPI document). The
 * token is never shown, only whether one is set. GitLab's event flags (`push_events`, `tag_push_events`, …) are
 * sent too, as booleans (declared below from GITLAB_HOOK_FLAGS).
 */
export class WebhookEntity {
  @ApiProperty() id!: number;
  @ApiProperty() url!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiPropertyOptional() project_id?: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) group_id?: number | null;
  @ApiProperty() push_events_branch_filter!: string;
  @ApiProperty() branch_filter_strategy!: string;
  @ApiProperty() registry_events!: boolean;
  @ApiProperty() enable_ssl_verification!: boolean;
  @ApiProperty({ enum: ['executable', 'temporarily_disabled', 'disabled'] }) alert_status!: 'executable' | 'temporarily_disabled' | 'disabled';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabled_until!: Date | null;
  @ApiProperty() recent_failures!: number;
  @ApiProperty({ type: [Object] }) url_variables!: never[];
  @ApiProperty({ type: [Object] }) custom_headers!: never[];
  @ApiProperty() token_present!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  [flag: string]: unknown;
}
for (const flag of GITLAB_HOOK_FLAGS) ApiProperty({ type: Boolean })(WebhookEntity.prototype, flag);

/** One row of `GET .../hooks/:hook_id/events`: our delivery log (GitLab's WebHookLog, trimmed to what we record). */
export class WebhookDeliveryEntity {
  @ApiProperty() id!: number;
  @ApiProperty() url!: string;
  @ApiProperty() trigger!: string;
  @ApiProperty() event_name!: string;
  @ApiProperty() event_uuid!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The HTTP status the receiver answered, as text.' }) response_status!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds.' }) execution_duration!: number | null;
  @ApiProperty({ type: Number, nullable: true }) duration_ms!: number | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) last_error!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The payload delivered.' }) request_data!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) delivered_at!: Date | null;
}
