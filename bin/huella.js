#!/usr/bin/env node
// `huella` launcher. The CLI is TypeScript run through tsx (no separate build step to forget); the packaged
// desktop app bundles its own copy of the archive code and does not use this file.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
