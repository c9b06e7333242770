import { reasonMessage, safeNextPath, signInPath } from './sign-in-redirect';

describe('safeNextPath', () => {
  test.each([
    ['/datasets', '/datasets'],
    ['/admin/users?page=2#top', '/admin/users?page=2#top'],
    ['/models/', '/models/'],
    ['/a/../datasets', '/datasets'],
  ])('keeps the same-origin path %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  test.each([
    ['//evil.com'],
    ['https://evil.com'],
    ['http://evil.com/datasets'],
    ['/\\evil.com'],
    ['\\\\evil.com'],
    ['/\t/evil.com'],
    ['/\n/evil.com'],
    ['javascript:alert(1)'],
    ['evil.com'],
    ['datasets'],
    [''],
    ['/sign-in'],
    ['/sign-in/?next=/datasets'],
    ['/x/../sign-in'],
  ])('refuses %j and answers /', (next) => {
    expect(safeNextPath(next)).toBe('/');
  });

  test('answers / when there is no next at all', () => {
    expect(safeNextPath(null)).toBe('/');
    expect(safeNextPath(undefined)).toBe('/');
  });
});

describe('signInPath', () => {
  test('carries the reason and an encoded same-origin next', () => {
    expect(signInPath({ reason: 'expired', next: '/datasets?owner=1' })).toBe(
      '/sign-in?reason=expired&next=%2Fdatasets%3Fowner%3D1',
    );
  });

  test('leaves out a next that is unsafe or the home page', () => {
    expect(signInPath({ reason: 'required', next: '//evil.com' })).toBe('/sign-in?reason=required');
    expect(signInPath({ reason: 'signed-out', next: '/' })).toBe('/sign-in?reason=signed-out');
    expect(signInPath()).toBe('/sign-in');
  });
});

describe('reasonMessage', () => {
  test('has a sentence for each reason the app uses', () => {
    expect(reasonMessage('expired')).toBe('Your session has expired. Sign in again.');
    expect(reasonMessage('signed-out')).toBe('You have signed out.');
    expect(reasonMessage('required')).toBe('Sign in to continue.');
  });

  test('shows nothing for an unknown reason, even one named like an Object member', () => {
    expect(reasonMessage('Call +1 555 0100 to unlock your account')).toBeNull();
    expect(reasonMessage('toString')).toBeNull();
    expect(reasonMessage(null)).toBeNull();
  });
});
