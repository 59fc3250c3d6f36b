import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class SessionUserEntity {
  @ApiProperty() id!: number;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty() is_admin!: boolean;
}

/** `/api/v4/session`: who is signed in, and the CSRF token writes must send as `X-CSRF-Token`. */
export class SessionEntity {
  @ApiProperty() user!: SessionUserEntity;
  @ApiProperty({ type: [String], nullable: true, description: 'The token’s scopes when signed in with a token; null after a password sign-in.' })
  scopes!: string[] | null;
  @ApiProperty() csrf_token!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'When the session ends (sign-in only).' }) expires_at?: string;
}
