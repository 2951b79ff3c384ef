import dgram from 'node:dgram';
import net from 'node:net';
import { isConnectionPermitted } from '../../archive/remote/network-permit';
import { installSocketGuard } from './socket-guard';

// Side-effect module: imported first by main.ts and prepended to each bundled worker (scripts/build-main.js).
// Permits exist only on the main thread's globalThis (the S3 code runs there); a worker's guard never sees one.
installSocketGuard({ net, dgram, isPermitted: isConnectionPermitted });
