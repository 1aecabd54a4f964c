import { clientAddressOf } from '../../src/http/middleware/rate-limit';
import { isTrustedProxy, isValidProxyEntry } from '../../src/http/middleware/trusted-proxies';

describe("a request's client address", () => {
  const proxies = ['10.0.0.0/8', '2001:db8::1'];

  it("is the peer's own when the peer is no trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf('203.0.113.5', '198.51.100.7', [])).toBe('203.0.113.5');
    expect(clientAddressOf('203.0.113.5', '198.51.100.7', proxies)).toBe('203.0.113.5');
  });

  it('behind trusted proxies, is the address the nearest one appended, not what the client wrote before it', () => {
    expect(clientAddressOf('10.1.2.3', '198.51.100.7', proxies)).toBe('198.51.100.7');
    // The client wrote "1.2.3.4, 10.9.9.9" itself; the proxy appended the address it saw.
    expect(clientAddressOf('10.1.2.3', '1.2.3.4, 10.9.9.9, 198.51.100.7', proxies)).toBe('198.51.100.7');
    // Two proxies in a row: the second appended the first's address, the first the client's.
    expect(clientAddressOf('::ffff:10.1.2.3', '198.51.100.7, 10.0.0.4', proxies)).toBe('198.51.100.7');
    expect(clientAddressOf('2001:db8::1', '2001:db8::99', proxies)).toBe('2001:db8::99');
    // A proxy that forwarded no header: the proxy is the client.
    expect(clientAddressOf('10.1.2.3', undefined, proxies)).toBe('10.1.2.3');
  });

  it('reads TRUSTED_PROXIES entries as addresses or CIDR ranges, IPv4 and IPv6', () => {
    expect(isTrustedProxy('10.255.0.1', proxies)).toBe(true);
    expect(isTrustedProxy('11.0.0.1', proxies)).toBe(false);
    expect(isTrustedProxy('::ffff:10.0.0.1', proxies)).toBe(true);
    expect(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'].every(isValidProxyEntry)).toBe(true);
    expect(['10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1', ''].some(isValidProxyEntry)).toBe(false);
  });
});
