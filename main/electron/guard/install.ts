import dgram from 'node:dgram';
import net from 'node:net';
import { installSocketGuard } from './socket-guard';

// Side-effect module: imported first by main.ts and prepended to each bundled worker (scripts/build-main.js).
installSocketGuard({ net, dgram });
