import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { offEndpointLines, run } from './campaigns/no-network';

/** The CLI journeys under strace: no inet socket, and the control connection is caught (the check is not vacuous). */
describe('reliability: no network (quick)', () => {
  it('no journey step opens an AF_INET/AF_INET6 socket; a control TCP connect is flagged', async () => {
    const r = await run({ seed: 20261202, quick: true, workDir: tempDir('huella-rel-no-network-'), log: () => undefined });
    expect(r.failures).toEqual([]);
    expect(r.details?.controlFlagged).toBe(true);
    expect(r.details?.traced).toBeGreaterThanOrEqual(17);
    expect(r.passed).toBe(r.total);
  }, 600_000);
});

describe('offEndpointLines: push and pull may reach the endpoint and nothing else', () => {
  const endpoint = { host: '127.0.0.1', port: 7480 };
  it('accepts connects to the endpoint, counts them, and names every other inet destination', () => {
    const trace = [
      '100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 21',
      '100 connect(21, {sa_family=AF_INET, sin_port=htons(7480), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS',
      '101 connect(22, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16) = 0',
      '102 sendto(23, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(443), inet_pton(AF_INET6, "::1", &sin6_addr)}, 28) = 1',
      '103 connect(24, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    ].join('\n');
    const r = offEndpointLines(trace, endpoint);
    expect(r.toEndpoint).toBe(1);
    expect(r.off).toHaveLength(3);
    expect(r.off[0]).toContain('10.0.0.2');
  });
});
