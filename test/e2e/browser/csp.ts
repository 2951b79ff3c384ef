import { z } from 'zod';

// Imported first by the bridge: shared/api builds zod schemas at load, and zod 4 would probe `new Function`
// (refused by the page's CSP and reported as a violation) unless told not to compile parsers.
z.config({ jitless: true });
