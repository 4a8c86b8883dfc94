import { describe, expect, it } from 'vitest';

import { isHostError } from '../host-error.js';
import { compareRoutePrecedence, matchRoute, parseRouteTemplate } from './route-template.js';

function match(template: string, path: string) {
  const segments = path === '' ? [] : path.split('/');
  return matchRoute(parseRouteTemplate(template), segments);
}

describe('route templates', () => {
  it.each([
    ['v1/messages/{id}', 'v1/messages/abc', { id: 'abc' }],
    ['v1/messages/{id}', 'V1/Messages/abc', { id: 'abc' }],
    ['v1/messages/{id}', 'v1/messages', undefined],
    ['v1/messages/{id}', 'v1/messages/abc/extra', undefined],
    ['v1/items/{n:int}', 'v1/items/42', { n: '42' }],
    ['v1/items/{n:int}', 'v1/items/4x', undefined],
    ['v1/items/{n:int:range(1,10)}', 'v1/items/11', undefined],
    ['v1/items/{code:length(3)}', 'v1/items/abc', { code: 'abc' }],
    ['v1/items/{code:regex(^[a-z]{{2}}$)}', 'v1/items/ab', { code: 'ab' }],
    ['v1/items/{code:regex(^[a-z]{{2}}$)}', 'v1/items/abc', undefined],
    [
      'v1/items/{id:guid}',
      'v1/items/0f8fad5b-d9cb-469f-a165-70867728950e',
      { id: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    ],
    ['reports/{kind?}', 'reports', {}],
    ['reports/{kind?}', 'reports/daily', { kind: 'daily' }],
    ['reports/{kind=daily}', 'reports', { kind: 'daily' }],
    ['files/{*path}', 'files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['files/{*path}', 'files', {}],
    ['/health/', 'health', {}],
  ])('%s matches %s as %j', (template, path, expected) => {
    expect(match(template, path)).toEqual(expected);
  });

  it.each([
    ['v1/{a}.{b}', 'mixes text and parameters'],
    ['v1/{id:unknown}', 'not supported'],
    ['{*rest}/more', 'last segment'],
    ['v1/{a?}/fixed', 'only parameters may follow'],
    ['v1//x', 'empty'],
  ])('refuses %s', (template, why) => {
    let caught: unknown;
    try {
      parseRouteTemplate(template);
    } catch (error) {
      caught = error;
    }
    expect(isHostError(caught) && caught.code).toBe('INVALID_ROUTE');
    expect((caught as Error).message).toContain(why);
  });

  it('orders literal before constrained before plain before optional before catch-all', () => {
    const templates = ['x/{*rest}', 'x/{id?}', 'x/{id}', 'x/{id:int}', 'x/latest'];
    const ordered = templates
      .map(parseRouteTemplate)
      .sort(compareRoutePrecedence)
      .map((route) => route.template);
    expect(ordered).toEqual(['x/latest', 'x/{id:int}', 'x/{id}', 'x/{id?}', 'x/{*rest}']);
  });
});
