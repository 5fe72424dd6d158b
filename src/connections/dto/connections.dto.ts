import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONNECTION_SYNC_STATUSES, type ConnectionSyncStatus } from '../../database/entities/connection.entity';
import { CONNECTION_LIMITS, CRM_PROVIDERS, type CrmProvider, DEFAULT_CALDAV_SERVER_URL } from '../connections-request.validator';

export class AuthorizeUrlView {
  @ApiProperty({
    description: "The provider's consent URL (state and PKCE S256 challenge included): send the browser there.",
    example:
      'https://accounts.google.com/o/oauth2/v2/auth?access_type=offline&prompt=consent&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcalendar&state=Yb3…&code_challenge=Q9k…&code_challenge_method=S256&response_type=code&client_id=…&redirect_uri=https%3A%2F%2Fcrm.example.com%2Fconnections%2Fgoogle%2Fcallback',
  })
  url: string;
}

/** One entry of GET /status (seed 001), and the answer of callback and Apple credentials. */
export class ConnectionStatusView {
  @ApiProperty({ enum: CRM_PROVIDERS, example: 'GOOGLE' })
  provider: CrmProvider;

  @ApiProperty({ example: true })
  connected: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The account's primary calendar two-way sync covers (Apple/CalDAV: the collection URL); null when not connected.",
    example: 'ann@acme.test',
  })
  calendarId: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2024-05-01T09:30:00.000Z', description: 'End of the last sync; null before the first one.' })
  lastSyncAt: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why the last sync failed; null otherwise.' })
  lastSyncError: string | null;

  @ApiProperty({ enum: CONNECTION_SYNC_STATUSES, nullable: true, example: 'PENDING', description: 'null when not connected.' })
  lastSyncStatus: ConnectionSyncStatus | null;
}

export const STATUS_EXAMPLE: ConnectionStatusView[] = [
  { provider: 'GOOGLE', connected: true, calendarId: 'ann@acme.test', lastSyncAt: '2024-05-01T09:30:00.000Z', lastSyncError: null, lastSyncStatus: 'SUCCESS' },
  { provider: 'OUTLOOK', connected: false, calendarId: null, lastSyncAt: null, lastSyncError: null, lastSyncStatus: null },
  { provider: 'APPLE', connected: false, calendarId: null, lastSyncAt: null, lastSyncError: null, lastSyncStatus: null },
];

export class AppleCredentialsDto {
  @ApiProperty({ description: 'The Apple ID (or the CalDAV login).', maxLength: CONNECTION_LIMITS.username, example: 'ann@icloud.com' })
  username: string;

  @ApiProperty({ description: 'An app-specific password (appleid.apple.com → Sign-In and Security).', maxLength: CONNECTION_LIMITS.password, example: 'abcd-efgh-ijkl-mnop' })
  password: string;

  @ApiPropertyOptional({ description: 'Another CalDAV server (http or https).', maxLength: CONNECTION_LIMITS.serverUrl, default: DEFAULT_CALDAV_SERVER_URL, example: DEFAULT_CALDAV_SERVER_URL })
  serverUrl?: string;
}
