import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from '../../../../../main/archive/export/pseudonymise';

describe('pseudonymiser', () => {
  const p = createPseudonymiser([
    { realName: 'Ana María Pérez Quintana', pseudonym: 'Persona A' },
    { realName: 'محمد العلي', pseudonym: 'الشاهد ب' },
  ]);

  it('replaces the full name whatever the case, accents or spacing', () => {
    for (const written of ['Ana María Pérez Quintana', 'ANA MARIA PEREZ QUINTANA', 'ana  maría-pérez quintana', 'Ana Mari\u0301a Pe\u0301rez Quintana']) {
      const r = p.apply(`Dijo ${written}, ayer.`);
      expect(r.text).toBe('Dijo Persona A, ayer.');
      expect(r.count).toBe(1);
    }
  });

  it('replaces name parts of 4+ letters on their own, on word boundaries only', () => {
    expect(p.apply('La señora Pérez llegó; QUINTANA también.').text).toBe('La señora Persona A llegó; Persona A también.');
    // "Ana" is too short to be replaced alone; "Perezoso" is another word.
    expect(p.apply('Ana es perezosa; Perezoso.').text).toBe('Ana es perezosa; Perezoso.');
  });

  it('puts one pseudonym for name parts written side by side, not one per part', () => {
    // "Ana María Pérez Quintana" written as "María Pérez" or "Pérez Quintana": the case title of a packet read
    // "Detención de Persona A Persona A" before.
    expect(p.apply('Detención de María Pérez, comisaría 3')).toMatchObject({ text: 'Detención de Persona A, comisaría 3', count: 1 });
    expect(p.apply('PÉREZ-QUINTANA, María declaró.').text).toBe('Persona A declaró.');
    // Separated by words or by a line: two occurrences.
    expect(p.apply('Pérez y Quintana').text).toBe('Persona A y Persona A');
    expect(p.apply('Pérez\nQuintana').text).toBe('Persona A\nPersona A');
  });

  it('handles Arabic with or without diacritics', () => {
    expect(p.apply('قال مُحَمَّد العلي إنه رأى').text).toBe('قال الشاهد ب إنه رأى');
  });

  it('leaves text without names untouched and counts nothing', () => {
    const text = 'Nada que cambiar aquí: 2024-03-05.';
    expect(p.apply(text)).toEqual({ text, count: 0 });
  });

  it('does not catch nicknames or other spellings (the documented limit)', () => {
    expect(p.apply('Anita y Mohammed Al-Ali').count).toBe(0);
  });
});
