import { z } from 'zod';

// Imported first by main.tsx, before any module that builds or runs a zod schema (shared/api, the taxonomies).
// zod 4 compiles object parsers with `new Function` unless told not to; the renderer's CSP has no 'unsafe-eval',
// so that would be refused (and reported as a violation). The interpreted parser is plenty fast for the UI.
z.config({ jitless: true });
