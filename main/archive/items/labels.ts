import type { SubjectLabel } from '../../../shared/model/custody';
import { getItem } from './items';
import type { Vault } from '../vault/vault';
import { getCase } from '../catalogue/cases';
import { getPerson } from '../catalogue/persons';
import { getTestimony } from '../catalogue/testimonies';

/**
 * Human labels for the ids the custody log names, so a person reads "IMG_1000.jpg" or "Witness A" rather than
 * it_… or per_… (issue 13, item 9). A person is named by pseudonym only, never by the real name. An id that no
 * longer resolves (a purged item) or of another kind gets no label: the screen shows the id.
 */
export function subjectLabels(vault: Vault, ids: Iterable<string>): Record<string, SubjectLabel> {
  const out: Record<string, SubjectLabel> = {};
  for (const id of new Set(ids)) {
    try {
      if (id.startsWith('it_')) {
        const item = getItem(vault, id);
        out[id] = { kind: 'item', label: item.title ?? item.originalName };
      } else if (id.startsWith('case_')) out[id] = { kind: 'case', label: getCase(vault, id).title };
      else if (id.startsWith('per_')) out[id] = { kind: 'person', label: getPerson(vault, id).pseudonym };
      else if (id.startsWith('tes_')) out[id] = { kind: 'testimony', label: getTestimony(vault, id).title };
    } catch {
      // Gone (deleted or purged): the id alone is shown.
    }
  }
  return out;
}
