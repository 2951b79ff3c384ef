import { searchCatalogue } from '../../archive/catalogue';
import type { SearchFilters, SearchQuery } from '../../../shared/model/catalogue';
import type { Command } from '../command';
import { list } from '../command';
import { int, pick, text } from '../catalogue-args';
import { UsageError } from '../io';
import { withVault } from '../unlock';

export const searchCommand: Command = {
  name: 'search',
  summary: "search the catalogue ('' to browse with filters only)",
  usage:
    "huella search <vault> <query> [--case ID] [--type PREFIX] [--tag TERM]... [--from DATE] [--to DATE] [--place TEXT] [--has-gps|--no-gps] [--consent STATE] [--consent-mechanism ID] [--doc-type item|case|testimony|person]... [--sort relevance|date-desc|date-asc|name] [--limit N] [--offset N] [--json]",
  options: {
    case: { type: 'string' },
    type: { type: 'string' },
    tag: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    place: { type: 'string' },
    'has-gps': { type: 'boolean' },
    'no-gps': { type: 'boolean' },
    consent: { type: 'string' },
    'consent-mechanism': { type: 'string' },
    'doc-type': { type: 'string', multiple: true },
    sort: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
  },
  args: [2, 2],
  async run([dir, queryText], values, out) {
    if (values['has-gps'] && values['no-gps']) throw new UsageError('Use --has-gps or --no-gps, not both.');
    const tags = list(values, 'tag');
    const docTypes = list(values, 'doc-type');
    const filters = {
      ...pick(values, { case: 'caseId', type: 'mediaType', from: 'dateFrom', to: 'dateTo', place: 'place', consent: 'consentState', 'consent-mechanism': 'consentMechanism' }),
      ...(tags.length > 0 ? { tags } : {}),
      ...(docTypes.length > 0 ? { docTypes } : {}),
      ...(values['has-gps'] ? { hasGps: true } : values['no-gps'] ? { hasGps: false } : {}),
    } as SearchFilters;
    const limit = int(values, 'limit');
    const offset = int(values, 'offset');
    const sort = text(values, 'sort');
    const query = { text: queryText, filters, ...(sort ? { sort } : {}), ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) } as SearchQuery;
    const result = await withVault(dir!, values, async (vault) => searchCatalogue(vault, query));
    if (out.json) {
      out.data(result);
      return 0;
    }
    for (const h of result.hits) {
      const extra = h.docType === 'item' ? `  ${h.mediaType ?? ''}${h.hasGps ? '  GPS' : ''}${h.captureTime ? `  ${h.captureTime}` : ''}` : '';
      out.line(`${h.docType.padEnd(9)} ${h.id}  ${h.title}${extra}`);
      if (h.snippet) out.line(`          ${h.snippet}`);
    }
    out.info(`${result.hits.length === 0 ? 'no results' : `${result.offset + 1}–${result.offset + result.hits.length}`} of ${result.total}`);
    return 0;
  },
};
