import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsFQDN,
  IsIn,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { PROVIDER_KINDS, ProviderKind } from '../provider-kind';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Legal', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class CreateDelegationCredentialDto {
  @ApiProperty({ enum: PROVIDER_KINDS, example: 'google' })
  @IsIn(PROVIDER_KINDS)
  provider: ProviderKind;

  @ApiProperty({ example: 'Workspace DWD', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'google: the service account e-mail', example: 'sync@acme-project.iam.gserviceaccount.com' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'google')
  @IsEmail()
  serviceAccountEmail?: string;

  @ApiPropertyOptional({ description: 'google: the service account private key (PEM). Stored encrypted, never returned.' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'google')
  @IsString()
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, { message: 'privateKey must be a PEM private key' })
  @Length(1, 10_000)
  privateKey?: string;

  @ApiPropertyOptional({ description: 'ms: the Entra ID (Azure AD) directory id', example: 'contoso.onmicrosoft.com' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'ms')
  @IsString()
  @Length(1, 200)
  msTenantId?: string;

  @ApiPropertyOptional({ description: 'ms: the app registration (client) id' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'ms')
  @IsString()
  @Length(1, 200)
  clientId?: string;

  @ApiPropertyOptional({ description: 'ms: the client secret. Stored encrypted, never returned.' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'ms')
  @IsString()
  @Length(1, 1000)
  clientSecret?: string;

  @ApiPropertyOptional({ description: 'caldav: server base URL', example: 'https://caldav.example.com/' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'caldav')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  serverUrl?: string;

  @ApiPropertyOptional({ description: 'caldav: admin username' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'caldav')
  @IsString()
  @Length(1, 320)
  username?: string;

  @ApiPropertyOptional({ description: 'caldav: admin password. Stored encrypted, never returned.' })
  @ValidateIf((o: CreateDelegationCredentialDto) => o.provider === 'caldav')
  @IsString()
  @Length(1, 1000)
  password?: string;

  @ApiPropertyOptional({
    description: 'caldav: calendar home of a mailbox, `{email}` is replaced',
    example: 'https://caldav.example.com/{email}/',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  calendarHomeTemplate?: string;
}

export class CreateDomainDto {
  @ApiProperty({ example: 'acme.com' })
  @IsFQDN({ require_tld: false })
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
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'Scope the key to one user: it becomes a `cal_` key.', example: 1 })
  @IsOptional()
  @IsInt()
  @IsPositive()
  userId?: number;
}

export class CreateUserDto {
  @ApiProperty({ description: "The identity provider's subject (`sub`)", example: 'user-123' })
  @IsString()
  @Length(1, 255)
  externalId: string;

  @ApiPropertyOptional({ example: 'ann@acme.com' })
  @IsOptional()
  @IsEmail()
  email?: string;
}

export class MintTokenDto {
  @ApiProperty({ description: 'Subject: the user id at the identity provider', example: 'user-123' })
  @IsString()
  @Length(1, 255)
  sub: string;

  @ApiPropertyOptional({ example: 'ann@acme.com' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ default: 3600, minimum: 60, maximum: 2592000 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  expiresInSeconds?: number;
}
