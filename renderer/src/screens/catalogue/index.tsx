import { assertNever } from '../../../../shared/errors';
import type { Route } from '../../lib/router';
import { CaseDetailScreen } from './CaseDetail';
import { CasesScreen } from './Cases';
import { PeopleScreen } from './People';
import { PersonDetailScreen } from './PersonDetail';
import { SearchScreen } from './Search';
import { TestimonyScreen } from './Testimony';

export { ItemCatalogue } from './ItemCatalogue';

/** Catalogue screens in the main navigation, after Library and Import. */
export const CATALOGUE_ROUTES: readonly { readonly name: Route['name']; readonly key: string }[] = [
  { name: 'cases', key: 'nav.cases' },
  { name: 'people', key: 'nav.people' },
  { name: 'search', key: 'nav.search' },
];

type CatalogueRouteT = Extract<Route, { name: 'cases' | 'case' | 'people' | 'person' | 'testimony' | 'search' }>;

export function CatalogueRoute({ route }: { readonly route: CatalogueRouteT }) {
  switch (route.name) {
    case 'cases':
      return <CasesScreen />;
    case 'case':
      return <CaseDetailScreen key={route.id} id={route.id} />;
    case 'people':
      return <PeopleScreen />;
    case 'person':
      return <PersonDetailScreen key={route.id} id={route.id} />;
    case 'testimony':
      return <TestimonyScreen key={route.id} id={route.id} />;
    case 'search':
      return <SearchScreen />;
    default:
      return assertNever(route, 'route');
  }
}
