import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantOwnedEntity } from './tenant-owned.entity';

/**
 * A pending OAuth consent (Connections authorize → callback): single use, bound to the user who
 * asked for it, short-lived. Only the state's SHA-256 is stored; the PKCE verifier is sealed.
 */
@Entity('oauth_states')
@Index(['expiresAt'])
export class OAuthStateEntity extends TenantOwnedEntity {
  /** SHA-256 (hex) of the `state` sent to the provider. */
  @PrimaryColumn({ name: 'state_hash', type: 'char', length: 64 })
  stateHash: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  /** `google` or `microsoft`. */
  @Column({ type: 'varchar', length: 16 })
  provider: string;

  @Column({ name: 'code_verifier_sealed', type: 'text' })
  codeVerifierSealed: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
