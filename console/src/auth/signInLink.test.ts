import { describe, expect, it } from 'vitest';
import { nextPath, signInPath } from './signInLink';

describe('sign-in links', () => {
  it('keep the page and its query string', () => {
    expect(signInPath({ pathname: '/proxy-systems/HPK01', search: '?tab=sku&sku_status=failed' })).toBe(
      '/sign-in?next=%2Fproxy-systems%2FHPK01%3Ftab%3Dsku%26sku_status%3Dfailed',
    );
    expect(
      nextPath(new URLSearchParams('next=%2Fproxy-systems%2FHPK01%3Ftab%3Dsku%26sku_status%3Dfailed')),
    ).toBe('/proxy-systems/HPK01?tab=sku&sku_status=failed');
  });

  it('return only to pages of the console', () => {
    for (const next of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'tasks',
      '/sign-in?next=/x',
      '',
    ])
      expect(nextPath(new URLSearchParams({ next }))).toBe('/tasks');
    expect(nextPath(new URLSearchParams())).toBe('/tasks');
  });
});
