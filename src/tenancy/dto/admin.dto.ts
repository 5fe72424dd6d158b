import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsFQDN,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { PROVIDER_KINDS, ProviderKind } from '../../database/entities/provider-kind';
import { INT4_MAX, IsInt4Id, MAX_EMAIL_LENGTH, MAX_URL_LENGTH, NoNul } from './text-rules';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Legal', maxLength: 200 })
  @IsString()
  @NoNul()
  @Length(1, 200)
  name: string;
}

export class CreateDelegationCredentialDto {
  @ApiProperty({ enum: PROVIDER_KINDS, example: 'google' })
  @IsIn(PROVIDER_KINDS)
  provider: ProviderKind;

  @ApiProperty({ example: 'Workspace DWD', maxLength: 200 })
  @IsString()
  @NoNul()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'google: the service account e-mail', example: 'sync@acme-project.iam.gserviceaccount.com' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'google')
  @IsEmail()
  @NoNul()
  @MaxLength(MAX_EMAIL_LENGTH)
  serviceAccountEmail?: string;

  @ApiPropertyOptional({ description: 'google: the service account private key (PEM). Stored encrypted, never returned.' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'google')
  @IsString()
  @NoNul()
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, { message: 'privateKey must be a PEM private key' })
  @Length(1, 10_000)
  privateKey?: string;

  @ApiPropertyOptional({ description: 'ms: the Entra ID (Azure AD) directory id', example: 'contoso.onmicrosoft.com' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'ms')
  @IsString()
  @NoNul()
  @Length(1, 200)
  msTenantId?: string;

  @ApiPropertyOptional({ description: 'ms: the app registration (client) id' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'ms')
  @IsString()
  @NoNul()
  @Length(1, 200)
  clientId?: string;

  @ApiPropertyOptional({ description: 'ms: the client secret. Stored encrypted, never returned.' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'ms')
  @IsString()
  @NoNul()
  @Length(1, 1000)
  clientSecret?: string;

  @ApiPropertyOptional({ description: 'caldav: server base URL', example: 'https://caldav.example.com/' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'caldav')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @NoNul()
  @MaxLength(MAX_URL_LENGTH)
  serverUrl?: string;

  @ApiPropertyOptional({ description: 'caldav: admin username' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'caldav')
  @IsString()
  @NoNul()
  @Length(1, 320)
  username?: string;

  @ApiPropertyOptional({ description: 'caldav: admin password. Stored encrypted, never returned.' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'caldav')
  @IsString()
  @NoNul()
  @Length(1, 1000)
  password?: string;

  @ApiPropertyOptional({
    description: 'caldav: calendar home of a mailbox, `{email}` is replaced',
    example: 'https://caldav.example.com/{email}/',
  })
  @IsOptional()
  @IsString()
  @NoNul()
  @Length(1, 1000)
  calendarHomeTemplate?: string;
}

export class CreateDomainDto {
  @ApiProperty({ example: 'acme.com' })
  @IsFQDN({ require_tld: false })
  @NoNul()
  @Length(1, 253)
  domain: string;

  @ApiProperty({ enum: PROVIDER_KINDS, example: 'google' })
  @IsIn(PROVIDER_KINDS)
  provider: ProviderKind;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  delegationCredentialId: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'back office', maxLength: 200 })
  @IsString()
  @NoNul()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'Scope the key to one user: it becomes a `cal_` key.', example: 1, minimum: 1, maximum: INT4_MAX })
  @IsOptional()
  @IsInt4Id()
  userId?: number;
}

export class CreateUserDto {
  @ApiProperty({ description: "The identity provider's subject (`sub`)", example: 'user-123' })
  @IsString()
  @NoNul()
  @Length(1, 255)
  externalId: string;

  @ApiPropertyOptional({ example: 'ann@acme.com' })
  @IsOptional()
  @IsEmail()
  @NoNul()
  @MaxLength(MAX_EMAIL_LENGTH)
  email?: string;
}

export class MintTokenDto {
  @ApiProperty({ description: 'Subject: the user id at the identity provider', example: 'user-123' })
  @IsString()
  @NoNul()
  @Length(1, 255)
  sub: string;

  @ApiPropertyOptional({ example: 'ann@acme.com' })
  @IsOptional()
  @IsEmail()
  @NoNul()
  @MaxLength(MAX_EMAIL_LENGTH)
  email?: string;

  @ApiPropertyOptional({ default: 3600, minimum: 60, maximum: 2592000 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  expiresInSeconds?: number;
}
