import { startTestHost } from './server';

/**
 * The test host in a process of its own, so a test can kill it as the OS would kill the app (SIGKILL: no flush, no
 * lock, no exit handler) and start another on the same vault. Usage: node --import tsx child.ts VAULT [LANG].
 * Prints one JSON line {origin, token} once it listens; serves until killed.
 */
const [vaultPath, language] = process.argv.slice(2);
if (!vaultPath) throw new Error('usage: child.ts VAULT [LANG]');
const host = await startTestHost({ appState: { lastVaultPath: vaultPath, language: language === 'es' || language === 'ar' || language === 'fr' ? language : 'en' } });
process.stdout.write(`${JSON.stringify({ origin: host.origin, token: host.token })}\n`);
