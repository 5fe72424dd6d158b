import { interopToolPresent } from './interop';

describe('interop tools: skipped on a developer machine, required in CI', () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
  });

  it('a present tool runs its tests, in CI or not', () => {
    process.env.CI = 'true';
    expect(interopToolPresent('Radicale', true, 'apt-get install -y radicale')).toBe(true);
    delete process.env.CI;
    expect(interopToolPresent('Radicale', true, 'apt-get install -y radicale')).toBe(true);
  });

  it('with CI=true a missing tool fails the run, naming it and how to install it', () => {
    process.env.CI = 'true';
    expect(() => interopToolPresent('Python icalendar', false, 'apt-get install -y python3-icalendar')).toThrow(
      'Python icalendar is missing (apt-get install -y python3-icalendar): with CI=true interop tests fail instead of being skipped',
    );
  });

  it('outside CI a missing tool skips its tests, with a warning', () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(interopToolPresent('Radicale', false, 'apt-get install -y radicale')).toBe(false);
    expect(warn).toHaveBeenCalledWith('Radicale is missing (apt-get install -y radicale): the tests that check against it are skipped');
    warn.mockRestore();
  });
});
