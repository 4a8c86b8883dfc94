/**
 * Inline route constraints of ASP.NET Core route templates, as Azure Functions HTTP
 * routes use them (`{id:int}`, `{code:length(3)}`, `{name:regex(^[a-z]+$)}`).
 */
import { HostError } from '../host-error.js';

/** A check one route parameter value must pass. */
export type RouteConstraint = (value: string) => boolean;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const GUID = /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i;
const INTEGER = /^[+-]?\d+$/;

function isNumber(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}

function numberArguments(name: string, argument: string | undefined, count: number[]): number[] {
  const numbers = argument === undefined ? [] : argument.split(',').map((a) => Number(a.trim()));
  if (!count.includes(numbers.length) || numbers.some((n) => !Number.isFinite(n))) {
    throw new HostError('INVALID_ROUTE', `route constraint '${name}' has bad arguments`);
  }
  return numbers;
}

/**
 * Builds the check for constraint `name` with its parenthesised argument text, if any.
 * @throws {HostError} INVALID_ROUTE for an unknown constraint or bad arguments.
 */
export function routeConstraint(name: string, argument: string | undefined): RouteConstraint {
  switch (name.toLowerCase()) {
    case 'int':
      return (v) => INTEGER.test(v) && Number(v) >= INT32_MIN && Number(v) <= INT32_MAX;
    case 'long':
      return (v) => INTEGER.test(v) && Number.isSafeInteger(Number(v));
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'guid':
      return (v) => GUID.test(v);
    case 'alpha':
      return (v) => /^[a-z]*$/i.test(v);
    case 'double':
    case 'decimal':
    case 'float':
      return isNumber;
    case 'datetime':
      return (v) => !Number.isNaN(Date.parse(v));
    case 'required':
      return (v) => v !== '';
    case 'minlength': {
      const [min = 0] = numberArguments(name, argument, [1]);
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      const [max = 0] = numberArguments(name, argument, [1]);
      return (v) => v.length <= max;
    }
    case 'length': {
      const [min = 0, max = min] = numberArguments(name, argument, [1, 2]);
      return (v) => v.length >= min && v.length <= max;
    }
    case 'min': {
      const [min = 0] = numberArguments(name, argument, [1]);
      return (v) => INTEGER.test(v) && Number(v) >= min;
    }
    case 'max': {
      const [max = 0] = numberArguments(name, argument, [1]);
      return (v) => INTEGER.test(v) && Number(v) <= max;
    }
    case 'range': {
      const [min = 0, max = 0] = numberArguments(name, argument, [2]);
      return (v) => INTEGER.test(v) && Number(v) >= min && Number(v) <= max;
    }
    case 'regex': {
      // ASP.NET Core matches route regexes case-insensitively; the argument is one pattern.
      const pattern = new RegExp(argument ?? '', 'i');
      return (v) => pattern.test(v);
    }
    default:
      throw new HostError('INVALID_ROUTE', `route constraint '${name}' is not supported`);
  }
}
