import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is calling: always a tenant, sometimes a user inside it. */
export interface Principal {
  tenantId: string;
  userId?: number;
  apiKeyId?: string;
  via: 'api-key' | 'jwt';
}

export interface RequestWithPrincipal {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without an auth guard');
  return principal;
});
