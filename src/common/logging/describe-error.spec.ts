import { describeError } from './describe-error';

describe('describeError', () => {
  it('gives an Error its stack, and its cause', () => {
    const text = describeError(new Error('outer', { cause: new Error('lock file "postmaster.pid" already exists') }));
    expect(text).toMatch(/^Error: outer\n\s+at /);
    expect(text).toContain('Caused by: Error: lock file "postmaster.pid" already exists');
  });

  it('says plainly when nothing was given, instead of printing "undefined"', () => {
    expect(describeError(undefined)).toBe('no reason given (the failure was reported as undefined)');
    expect(describeError(null)).toBe('no reason given (the failure was reported as null)');
  });

  it('shows the fields of a plain object instead of [object Object]', () => {
    expect(describeError({ code: 'ECONNREFUSED', port: 54329 })).toBe("{ code: 'ECONNREFUSED', port: 54329 }");
    expect(describeError('a string reason')).toBe('a string reason');
  });
});
