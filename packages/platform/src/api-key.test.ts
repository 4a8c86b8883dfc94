import { describe, expect, it } from 'vitest';

import { ApiKeyVerifier } from './api-key.js';
import { isGatewayError } from './gateway-error.js';

describe('ApiKeyVerifier', () => {
  const verifier = new ApiKeyVerifier([
    { key: 'k-lab-one', clientId: 'lab-one' },
    { key: 'k-lab-two', clientId: 'lab-two' },
    { key: '', clientId: 'ignored' },
  ]);

  it('returns the client a configured key belongs to', () => {
    expect(verifier.verify('k-lab-two')).toEqual({ clientId: 'lab-two' });
  });

  it.each([[undefined], [null], [''], ['k-lab-three'], ['K-LAB-ONE']])(
    'refuses %j as UNAUTHENTICATED',
    (presented) => {
      let caught: unknown;
      try {
        verifier.verify(presented);
      } catch (error) {
        caught = error;
      }
      expect(isGatewayError(caught) && caught.code).toBe('UNAUTHENTICATED');
    },
  );
});
