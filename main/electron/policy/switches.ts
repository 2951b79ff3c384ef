/**
 * Chromium command-line switches applied before app ready (DESIGN §1 A5: the app opens no connection). They are
 * the second line behind the session's request filter, for traffic that filter does not see.
 */
export const CHROMIUM_SWITCHES: readonly (readonly [name: string, value?: string])[] = Object.freeze([
  // Every host name fails to resolve: a request that slipped past the filter (DNS prefetch, a default-session
  // request) could not reach a host, and no DNS query leaves the machine.
  ['host-resolver-rules', 'MAP * ~NOTFOUND'],
  // Never fetch a PAC script or honour a system proxy: fetching a proxy configuration is itself a request.
  ['no-proxy-server'],
  // Chromium's background features (variations, metrics, component updates where present) stay off.
  ['disable-background-networking'],
]);
