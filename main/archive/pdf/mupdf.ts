import type * as MupdfModule from 'mupdf';
import { loadFonts } from './fonts';

/**
 * The one place that loads MuPDF.js for PDF *writing* (cover documents, recovery sheet). MuPDF's font hook is
 * global to the module, so it is installed here once: monospace → MuPDF's built-in Courier (no "fi" ligature, so a
 * command copied from a PDF is the command typed); a family name or script containing "arab" → Noto Naskh Arabic;
 * anything else → Noto Sans. Fonts come from ./fonts.ts, never from the system or the network (DESIGN §1 A5).
 */
export type Mupdf = typeof MupdfModule;

let loading: Promise<Mupdf> | undefined;

export function loadMupdfForWriting(): Promise<Mupdf> {
  loading ??= import('mupdf').then((m) => {
    const fonts = loadFonts();
    m.installLoadFontFunction((name, script, bold) => {
      if (name === 'monospace' && !/arab/i.test(script)) return new m.Font('Courier');
      const arabic = /arab/i.test(script) || /arab/i.test(name);
      const data = arabic ? (bold ? fonts.arabicBold : fonts.arabic) : bold ? fonts.sansBold : fonts.sans;
      return new m.Font(arabic ? 'NotoNaskhArabic' : 'NotoSans', data);
    });
    return m;
  });
  return loading;
}
