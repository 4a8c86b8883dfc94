import { describe, expect, it } from 'vitest';

import { ConnectionLinks } from './connection-links.js';

/** A served link that counts its closes. */
const link = () => {
  const served = { closes: 0, close: () => (served.closes += 1) };
  return served;
};

describe('ConnectionLinks', () => {
  it('forgets a link once its sender detaches, so one long connection stays bounded', () => {
    const links = new ConnectionLinks<object, { session?: unknown }>();
    const connection = {};
    // A thousand receivers attached and detached in turn on one connection, as the session
    // trigger does: none may stay behind.
    for (let i = 0; i < 1_000; i++) {
      const sender = { session: {} };
      const served = link();
      links.track(connection, sender, served);
      links.detach(connection, sender);
      expect(served.closes).toBe(1);
    }
    expect(links.size).toBe(0);
  });

  it('closes and forgets the links of a session that ends without detaching them', () => {
    const links = new ConnectionLinks<object, { session?: unknown }>();
    const connection = {};
    const [ending, staying] = [{}, {}];
    const [a, b, c] = [link(), link(), link()];
    links.track(connection, { session: ending }, a);
    links.track(connection, { session: ending }, b);
    links.track(connection, { session: staying }, c);

    links.endSession(connection, ending);

    expect([a.closes, b.closes, c.closes]).toEqual([1, 1, 0]);
    expect(links.size).toBe(1);
  });

  it('closes every link of a dropped connection and leaves other connections alone', () => {
    const links = new ConnectionLinks<object, { session?: unknown }>();
    const [dropped, kept] = [{}, {}];
    const [a, b] = [link(), link()];
    links.track(dropped, {}, a);
    links.track(kept, {}, b);

    links.dropConnection(dropped);

    expect([a.closes, b.closes]).toEqual([1, 0]);
    expect(links.size).toBe(1);
  });

  it('ignores a detach of a sender it never tracked', () => {
    const links = new ConnectionLinks<object, { session?: unknown }>();
    const connection = {};
    const served = link();
    links.track(connection, {}, served);
    links.detach(connection, {});
    expect(served.closes).toBe(0);
    expect(links.size).toBe(1);
  });
});
