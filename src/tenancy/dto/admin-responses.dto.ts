import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROVIDER_KINDS, ProviderKind } from '../../database/entities/provider-kind';

export class TenantView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() createdAt: string;
}

export class DelegationCredentialView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) provider: ProviderKind;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Non-secret settings; secrets are never returned', example: { serviceAccountEmail: 'sync@acme.iam.gserviceaccount.com' } })
  publicConfig: Record<string, string>;
  @ApiProperty() createdAt: string;
}

export class DomainView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() domain: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) provider: ProviderKind;
  @ApiProperty({ format: 'uuid' }) delegationCredentialId: string;
  @ApiProperty() createdAt: string;
}

export class UserView {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty() externalId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email: string | null;
  @ApiProperty() createdAt: string;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'cbk_AbCd', description: 'First characters of the key' }) keyPrefix: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) userId: number | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) revokedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedAt: string | null;
}

export class IssuedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key itself. Shown once: only its hash is stored.', example: 'cbk_Q2FsZW5kYXJCcmlkZ2VLZXlFeGFtcGxl' })
  key: string;
}

export class MintedTokenView {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ example: 3600 }) expiresIn: number;
}

export class WhoAmIView {
  @ApiProperty({ type: TenantView }) tenant: TenantView;
  @ApiProperty({ type: [DomainView] }) domains: DomainView[];
  @ApiPropertyOptional({ type: UserView }) user?: UserView;
}
