import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POLICY_TOKENS } from '../../sync/link-policy';
import { PROVIDER_KINDS } from '../../database/entities/provider-kind';
import { LINK_STATUSES } from '../../database/entities/link.entity';

/** `POST /links` body, exactly the seed's fields (documentation; LinksRequestValidator checks it). */
export class LinkRequestDto {
  @ApiProperty({ enum: ['add', 'delete'], example: 'add' })
  action: 'add' | 'delete';

  @ApiProperty({ example: 'tester@managelegalspend.com', description: 'Mailbox whose primary calendar is copied from.' })
  sourceEmail: string;

  @ApiProperty({ enum: PROVIDER_KINDS, example: 'google' })
  sourceType: string;

  @ApiPropertyOptional({ example: 'America/Chicago', description: 'IANA time zone; required for `add`. Every name of the seed list and any other IANA name.' })
  sourceTz?: string;

  @ApiProperty({ example: 'pradeepg@tzv1w.onmicrosoft.com' })
  destinationEmail: string;

  @ApiProperty({ enum: PROVIDER_KINDS, example: 'ms' })
  destinationType: string;

  @ApiPropertyOptional({ example: 'America/Chicago', description: 'IANA time zone; required for `add`.' })
  destinationTz?: string;

  @ApiPropertyOptional({
    example: 'subject|description|contact|location',
    description: `Required for \`add\`. \`|\`-separated, case-insensitive tokens: ${POLICY_TOKENS.join(', ')}.`,
  })
  policy?: string;

  @ApiPropertyOptional({ example: '(from mls)', description: "Appended to each copy's title." })
  tag?: string;
}

export class LinkQueuedView {
  @ApiProperty({ example: 'added to queue' })
  message: string;

  @ApiProperty({ format: 'uuid', example: '4b8b6a4e-6d0e-4c57-9a39-9d1f0c1e2a11' })
  linkId: string;
}

export class LinkView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'tester@managelegalspend.com' })
  sourceEmail: string;

  @ApiProperty({ enum: PROVIDER_KINDS })
  sourceType: string;

  @ApiProperty({ example: 'America/Chicago' })
  sourceTz: string;

  @ApiProperty({ example: 'pradeepg@tzv1w.onmicrosoft.com' })
  destinationEmail: string;

  @ApiProperty({ enum: PROVIDER_KINDS })
  destinationType: string;

  @ApiProperty({ example: 'America/Chicago' })
  destinationTz: string;

  @ApiProperty({ example: 'subject|description|location|contact' })
  policy: string;

  @ApiProperty({ type: String, nullable: true, example: '(from mls)' })
  tag: string | null;

  @ApiProperty({ enum: LINK_STATUSES, example: 'active' })
  status: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSyncAt: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Error creating sync, users may not exist' })
  lastError: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a failed link is tried again.' })
  nextAttemptAt: string | null;

  @ApiProperty({ example: 12, description: 'Copies created since the link exists.' })
  eventsCreated: number;

  @ApiProperty({ example: 3 })
  eventsUpdated: number;

  @ApiProperty({ example: 1 })
  eventsDeleted: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

/** The seed's add example (seed 000), verbatim: the OpenAPI example and the tests' fixture. */
export const SEED_ADD_EXAMPLE = {
  action: 'add',
  sourceEmail: 'tester@managelegalspend.com',
  sourceType: 'google',
  sourceTz: 'America/Chicago',
  destinationEmail: 'pradeepg@tzv1w.onmicrosoft.com',
  destinationTz: 'America/Chicago',
  destinationType: 'ms',
  tag: '(from mls)',
  policy: 'subject|description|contact|location',
};

/** The seed's delete example, verbatim. */
export const SEED_DELETE_EXAMPLE = {
  action: 'delete',
  sourceEmail: 'tester@managelegalspend.com',
  sourceType: 'google',
  destinationEmail: 'pradeepg@tzv1w.onmicrosoft.com',
  destinationType: 'ms',
};
