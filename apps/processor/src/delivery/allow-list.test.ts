import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AllowList, DestinationNotAllowedError } from './allow-list.js';

describe('AllowList hosts', () => {
  const list = new AllowList(['ehr.example.org', '*.hie.example.net', '10.1.0.0/16', '127.0.0.1']);

  it.each([
    ['ehr.example.org', true],
    ['EHR.Example.org', true],
    ['ehr.example.org.', true],
    ['other.example.org', false],
    ['north.hie.example.net', true],
    ['a.b.hie.example.net', true],
    ['hie.example.net', false],
    ['evilhie.example.net', false],
    ['10.1.2.3', true],
    ['10.2.0.1', false],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['localhost', false],
  ])('%s allowed: %s', (host, allowed) => {
    expect(list.allowsHost(host)).toBe(allowed);
  });

  it('allows nothing when empty', () => {
    expect(new AllowList([]).allowsHost('ehr.example.org')).toBe(false);
  });

  it('refuses a malformed entry, naming the setting', () => {
    expect(() => new AllowList(['http://x'])).toThrow(/HL7GW_DELIVERY_ALLOWLIST/);
    expect(() => new AllowList(['10.0.0.0/40'])).toThrow(/prefix/);
  });
});

describe('AllowList addresses', () => {
  const list = new AllowList(['ehr.example.org', '10.1.0.0/16', '127.0.0.1']);

  it.each([
    ['93.184.216.34', true],
    ['2606:4700::1111', true],
    ['10.1.9.9', true],
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['127.0.0.2', false],
    ['10.2.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:169.254.169.254', false],
    ['::ffff:a9fe:a9fe', false],
    ['not-an-ip', false],
  ])('%s allowed: %s', (address, allowed) => {
    expect(list.allowsAddress(address)).toBe(allowed);
  });

  it('refuses an address literal URL outside the list before connecting', () => {
    expect(() => list.check(new URL('http://169.254.169.254/latest'))).toThrow(
      DestinationNotAllowedError,
    );
    expect(() => list.check(new URL('http://127.0.0.1:8080/'))).not.toThrow();
  });
});

describe('AllowList lookup', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((socket) => socket.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connect = (list: AllowList) =>
    new Promise<string>((resolve, reject) => {
      import('node:net').then(({ connect: netConnect }) => {
        const socket = netConnect({ host: 'localhost', port, lookup: list.lookup(), family: 4 });
        socket.on('data', (data) => resolve(data.toString()));
        socket.on('error', reject);
      }, reject);
    });

  it('refuses a name that resolves to a loopback address not on the list', async () => {
    await expect(connect(new AllowList(['localhost']))).rejects.toMatchObject({
      code: 'DESTINATION_NOT_ALLOWED',
    });
  });

  it('connects when the resolved address is listed', async () => {
    await expect(connect(new AllowList(['localhost', '127.0.0.1', '::1']))).resolves.toBe('hi');
  });
});
