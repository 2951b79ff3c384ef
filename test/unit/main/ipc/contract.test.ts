import { describe, expect, it } from 'vitest';
import { API, API_EVENTS, API_METHODS } from '../../../../shared/api';
import { dispatch } from '../../../../main/ipc/dispatch';
import { assertHandlersComplete, createHandlers } from '../../../../main/ipc/handlers';
import type { Session } from '../../../../main/ipc/session';
import { testSession } from '../../../helpers/session-host';

/**
 * The contract (STYLE 2): one handler per API method and no other, every method with a zod input schema, results
 * as { ok, value } | { ok, error }, and no method reachable without an unlocked vault where it needs one.
 */
const session = (): Session => testSession().session;

describe('API contract and handlers', () => {
  it('has exactly one handler per method', () => {
    const handlers = createHandlers(session());
    expect(Object.keys(handlers).sort()).toEqual([...API_METHODS].sort());
    expect(() => assertHandlersComplete(handlers, API_METHODS)).not.toThrow();
  });

  it('declares an input schema for every method, and the four events', () => {
    for (const m of API_METHODS) expect(typeof API[m].input.safeParse, m).toBe('function');
    expect(API_EVENTS).toEqual(['operation.progress', 'operation.done', 'session.locked', 'items.previewsMade']);
  });

  it('refuses catalogue and item methods while no vault is unlocked, with VAULT_LOCKED', async () => {
    const handlers = createHandlers(session());
    const probes = {
      'items.list': { offset: 0, limit: 10, sort: 'name-asc' },
      'cases.list': {},
      'persons.list': {},
      'testimonies.list': {},
      'search.query': { text: 'x' },
      'tags.list': { targetId: 'it_0123456789' },
      'items.context': { id: 'it_0123456789' },
      'custody.checkpoint': {},
      'backup.status': {},
      'backup.start': { path: '/tmp/nowhere' },
      'vault.newRecoveryKey': { passphrase: 'x' },
      'notices.once': { notice: 'originals-on-disk' },
      'transfer.contact': {},
      'transfer.receive': { path: '/tmp/nowhere' },
      'remotes.list': {},
      'remotes.add': { name: 'org', url: 's3://bucket/prefix' },
    } as const;
    for (const [m, input] of Object.entries(probes)) {
      const r = await dispatch(handlers, m, input);
      expect(r, m).toEqual({ ok: false, error: expect.objectContaining({ code: 'VAULT_LOCKED' }) });
    }
  });

  it('validates input with the catalogue schemas before any handler runs', async () => {
    const handlers = createHandlers(session());
    const bad = [
      ['cases.create', { title: '' }],
      ['cases.get', { id: 'it_0123456789' }],
      ['tags.assign', { targetId: 'per_0123456789', termId: 'ip.electric-shock' }],
      ['consent.record', { personId: 'per_0123456789', mechanism: 'Not An Id', discloseName: true, shareMaterial: true, givenAt: '2024-01-01', howRecorded: 'written-signed' }],
      ['testimonies.revision', { id: 'tes_0123456789', revision: 0 }],
      ['vault.lock', { reason: 'because' }],
      ['search.query', { limit: 100_000 }],
    ] as const;
    for (const [m, input] of bad) {
      const r = await dispatch(handlers, m, input);
      expect(r, m).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
    }
  });

  it('names each refused field with a translatable reason, and never repeats the value', async () => {
    const handlers = createHandlers(session());
    const r = await dispatch(handlers, 'cases.create', { title: 'Secret name Ximena '.repeat(40), country: 'TU' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'INVALID_INPUT', key: 'problem.validation.invalidInput' });
    expect(r.error.issues).toEqual([
      { path: ['title'], message: { key: 'problem.validation.tooLong', params: { max: 500 } } },
      { path: ['country'], message: { key: 'problem.validation.notACountry' } },
    ]);
    expect(r.error.message).toMatch(/title: Too long: at most 500 characters/);
    expect(JSON.stringify(r.error)).not.toContain('Ximena');
  });
});
