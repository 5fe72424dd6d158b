import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import { Principal } from '../principal';
import { JwtClaims, TenancyService } from '../tenancy.service';

/**
 * HS256 with JWT_SECRET for tokens we (or a shared-secret IdP) issue, RS256 through the
 * IdP's JWKS when JWT_JWKS_URL is set. The tenant comes from a configurable claim.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tenancy: TenancyService,
  ) {
    super(jwtOptions(config));
  }

  async validate(claims: JwtClaims): Promise<Principal | false> {
    return (await this.tenancy.principalFromJwt(claims)) ?? false;
  }
}

function jwtOptions(config: AppConfig): StrategyOptionsWithoutRequest {
  const common = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    ignoreExpiration: false,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  };
  if (config.jwt.jwksUrl) {
    return {
      ...common,
      algorithms: ['RS256'],
      secretOrKeyProvider: passportJwtSecret({ jwksUri: config.jwt.jwksUrl, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }),
    };
  }
  return { ...common, algorithms: ['HS256'], secretOrKey: config.jwt.secret as string };
}
