import { DomainException } from '../../common/errors/domain.exception';
import { fakeRequest, httpContext, tenancyConfig } from '../../../test/support/tenancy-fakes';
import { AdminTokenGuard } from './admin-token.guard';

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard(tenancyConfig({ adminToken: 'admin-token-0123456789' }));
  const attempt = (headers: Record<string, string>): unknown => {
    try {
      return guard.canActivate(httpContext(fakeRequest(headers)));
    } catch (error) {
      const e = error as DomainException;
      return { code: e.code, status: e.status, message: e.message, domain: e instanceof DomainException };
    }
  };

  it('lets the configured token through', () => {
    expect(attempt({ 'X-Admin-Token': 'admin-token-0123456789' })).toBe(true);
  });

  it('answers 401 without the header, or with an empty one', () => {
    const missing = { code: 'UNAUTHORIZED', status: 401, message: 'Missing x-admin-token header', domain: true };
    expect(attempt({})).toEqual(missing);
    expect(attempt({ 'x-admin-token': '' })).toEqual(missing);
  });

  it('answers 401 to any other token: a prefix, a longer one, a different one of the same length', () => {
    const invalid = { code: 'UNAUTHORIZED', status: 401, message: 'Invalid admin token', domain: true };
    expect(attempt({ 'x-admin-token': 'admin-token-012345678' })).toEqual(invalid);
    expect(attempt({ 'x-admin-token': 'admin-token-01234567890' })).toEqual(invalid);
    expect(attempt({ 'x-admin-token': 'admin-token-0123456780' })).toEqual(invalid);
    expect(attempt({ authorization: 'admin-token-0123456789' })).toMatchObject({ message: 'Missing x-admin-token header' });
  });
});
