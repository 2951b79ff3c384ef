import './lib/csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { call } from './lib/api';
import { initI18n } from './lib/i18n';
import { App } from './App';
import './styles.css';

async function start(): Promise<void> {
  // The language is app-wide state in main, known before any vault is unlocked.
  let lang: Parameters<typeof initI18n>[0] = 'en';
  try {
    lang = (await call('settings.get', {})).language;
  } catch {
    // No answer: start in English; the App shows the error.
  }
  await initI18n(lang);
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
