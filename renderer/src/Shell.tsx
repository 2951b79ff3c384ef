import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../shared/api';
import type { ItemSelection } from '../../shared/model/selection';
import { assertNever } from '../../shared/errors';
import { call } from './lib/api';
import { useIdleTimer } from './lib/idle';
import { setLanguage } from './lib/i18n';
import { OperationsProvider } from './lib/operations';
import { href, SHARE_SELECTION, useRoute, type Route } from './lib/router';
import { selectionToShare } from './lib/selection';
import { SettingsCtx } from './lib/settings';
import { flushAllAutosaves } from './lib/useAutosave';
import { CustodyLog } from './screens/CustodyLog';
import { ImportScreen } from './screens/Import';
import { ItemDetailScreen } from './screens/ItemDetail';
import { Library } from './screens/Library';
import { SettingsScreen } from './screens/Settings';
import { PacketWizard } from './screens/packets/PacketWizard';
import { VerifyPacketScreen } from './screens/packets/VerifyPacket';
import { CATALOGUE_ROUTES, CatalogueRoute } from './screens/catalogue';
import { ReceiveScreen } from './screens/transfer/Receive';
import { ShareScreen } from './screens/transfer/Share';

const NAV: readonly { readonly name: Route['name']; readonly key: string }[] = [
  { name: 'library', key: 'nav.library' },
  { name: 'import', key: 'nav.import' },
  ...CATALOGUE_ROUTES,
  { name: 'packet', key: 'nav.packet' },
  { name: 'verify-packet', key: 'nav.verifyPacket' },
  { name: 'share', key: 'nav.share' },
  { name: 'receive', key: 'nav.receive' },
  { name: 'custody', key: 'nav.custody' },
  { name: 'settings', key: 'nav.settings' },
];

/** Which nav entry a route belongs to (an item detail belongs to the library, and so on). */
function section(route: Route): Route['name'] {
  switch (route.name) {
    case 'item':
      return 'library';
    case 'case':
      return 'cases';
    case 'person':
      return 'people';
    case 'testimony':
      return 'cases';
    case 'library':
    case 'import':
    case 'cases':
    case 'people':
    case 'search':
    case 'custody':
    case 'settings':
    case 'packet':
    case 'verify-packet':
    case 'share':
    case 'receive':
      return route.name;
    default:
      return assertNever(route, 'route');
  }
}

/** The open vault's folder name ("Evidence" for /home/ana/Evidence), the way a person knows their vault. */
function folderName(path: string | undefined): string | undefined {
  return path?.split(/[\\/]/).filter(Boolean).at(-1);
}

/** The unlocked app: navigation, the current screen, auto-lock on idle, and the Lock button. */
export function Shell({ vaultId, vaultPath }: { readonly vaultId: string; readonly vaultPath?: string | undefined }) {
  const { t } = useTranslation();
  const route = useRoute();
  const [settings, setSettings] = useState<Settings | undefined>();
  useEffect(() => {
    void call('settings.get', {}).then(setSettings, () => undefined);
  }, []);
  // Whatever a form has not saved yet is saved first (drafts included): locking must never lose typing.
  const lock = useCallback(() => {
    void flushAllAutosaves().then(() => call('vault.lock', {}).catch(() => undefined));
  }, []);
  const lockIdle = useCallback(() => {
    void flushAllAutosaves().then(() => call('vault.lock', { reason: 'idle' }).catch(() => undefined));
  }, []);
  useIdleTimer(settings?.autoLockMinutes ?? 10, lockIdle);
  const ctx = useMemo(
    () =>
      settings
        ? {
            settings,
            update: (next: Settings) => {
              setSettings(next);
              void setLanguage(next.language);
            },
          }
        : undefined,
    [settings],
  );
  const current = section(route);
  return (
    <OperationsProvider>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('screen-title')?.focus(); }}>
        {t('nav.skip')}
      </a>
      <div className="shell">
        <header className="topbar">
          <p className="brand">{t('app.name')}</p>
          {/* The vault by its folder's name, not its random identifier (which stays one hover away, and is in the
              custody log's checkpoint and on the recovery sheet). */}
          <p className="vault-id">
            <bdi dir="ltr" title={`${t('shell.vaultId')}: ${vaultId}`}>
              {folderName(vaultPath) ?? vaultId}
            </bdi>
          </p>
          <button type="button" className="lock-button" onClick={lock}>
            {t('shell.lock')}
          </button>
        </header>
        <nav className="sidenav" aria-label={t('nav.label')}>
          <ul>
            {NAV.map((n) => (
              <li key={n.name}>
                <a href={href({ name: n.name } as Route)} aria-current={current === n.name ? 'page' : undefined}>
                  {t(n.key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content">
          {ctx ? (
            <SettingsCtx.Provider value={ctx}>
              <RouteView route={route} />
            </SettingsCtx.Provider>
          ) : (
            <p aria-busy="true">{t('common.loading')}</p>
          )}
        </main>
      </div>
    </OperationsProvider>
  );
}

function RouteView({ route }: { readonly route: Route }) {
  switch (route.name) {
    case 'library':
      return <Library />;
    case 'import':
      return <ImportScreen />;
    case 'item':
      return <ItemDetailScreen key={route.id} id={route.id} />;
    case 'custody':
      return <CustodyLog />;
    case 'settings':
      return <SettingsScreen />;
    case 'packet':
      return <PacketWizard key={route.id ?? ''} caseId={route.id} />;
    case 'verify-packet':
      return <VerifyPacketScreen />;
    case 'share':
      return <ShareScreen key={route.id ?? ''} {...shareProps(route.id)} />;
    case 'receive':
      return <ReceiveScreen />;
    case 'cases':
    case 'case':
    case 'people':
    case 'person':
    case 'testimony':
    case 'search':
      return <CatalogueRoute route={route} />;
    default:
      return assertNever(route, 'route');
  }
}

/** What the share route names: a case, one item, or the items chosen in a list. */
function shareProps(id: string | undefined): { caseId?: string; items?: ItemSelection } {
  if (!id) return {};
  if (id === SHARE_SELECTION) {
    const items = selectionToShare();
    return items ? { items } : {};
  }
  return id.startsWith('it_') ? { items: { ids: [id] } } : { caseId: id };
}
