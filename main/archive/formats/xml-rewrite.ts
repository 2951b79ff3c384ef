/**
 * A small namespace-aware XML rewriter for office documents: drops elements, replaces an element's content,
 * drops or rewrites attributes, and leaves every other byte as it was (a DOM round trip would re-serialise the
 * whole part). Comments are dropped (they are never content in office formats and may hold anything).
 * DOCTYPE declarations are refused: office parts never have one, and they are the vector of entity-expansion and
 * external-entity attacks.
 */

export type XmlName = { readonly qname: string; readonly ns: string; readonly local: string };

export type XmlEdit = {
  /** true: drop the element with everything inside it. */
  readonly dropElement?: (el: XmlName, attrs: ReadonlyMap<string, string>) => boolean;
  /** A string: replace the element's content with this (already escaped) text. */
  readonly replaceContent?: (el: XmlName) => string | undefined;
  /** null: drop the attribute; a string: new raw (escaped) value; undefined: keep. */
  readonly attribute?: (el: XmlName, attr: XmlName, rawValue: string) => string | null | undefined;
  /** Told the original (escaped) content of every element whose content was replaced. */
  readonly onReplaced?: (el: XmlName, originalContent: string) => void;
};

export class XmlRewriteError extends Error {}

type Attr = { readonly qname: string; readonly raw: string; readonly quote: string };

const ATTR_RE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

function parseTag(body: string): { name: string; attrs: Attr[] } {
  const m = /^([^\s/>]+)/.exec(body);
  if (!m || m[1] === undefined) throw new XmlRewriteError('malformed tag');
  const attrs: Attr[] = [];
  ATTR_RE.lastIndex = m[1].length;
  for (let a = ATTR_RE.exec(body); a; a = ATTR_RE.exec(body)) {
    attrs.push({ qname: a[1] as string, raw: a[3] ?? a[4] ?? '', quote: a[3] !== undefined ? '"' : "'" });
  }
  return { name: m[1], attrs };
}

function split(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

/** End of the tag starting at `start` ('<'), respecting quoted attribute values (which may contain '>'). */
function tagEnd(xml: string, start: number): number {
  let quote = '';
  for (let i = start + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  throw new XmlRewriteError('unterminated tag');
}

export function rewriteXml(xml: string, edit: XmlEdit): string {
  const out: string[] = [];
  const scopes: Map<string, string>[] = [new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])];
  const stack: string[] = [];
  let dropDepth = -1; // stack depth at which dropping (or content replacement) started
  let replacing: { el: XmlName; text: string; from: number } | undefined;
  let pos = 0;
  const resolve = (prefix: string): string => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const ns = scopes[i]?.get(prefix);
      if (ns !== undefined) return ns;
    }
    return '';
  };
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) {
      if (dropDepth < 0) out.push(xml.slice(pos));
      break;
    }
    if (dropDepth < 0 && lt > pos) out.push(xml.slice(pos, lt));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlRewriteError('unterminated comment');
      pos = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new XmlRewriteError('unterminated CDATA');
      if (dropDepth < 0) out.push(xml.slice(lt, end + 3));
      pos = end + 3;
      continue;
    }
    if (xml.startsWith('<!', lt)) throw new XmlRewriteError('DOCTYPE or markup declaration');
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlRewriteError('unterminated processing instruction');
      if (dropDepth < 0) out.push(xml.slice(lt, end + 2));
      pos = end + 2;
      continue;
    }
    const gt = tagEnd(xml, lt);
    const raw = xml.slice(lt, gt + 1);
    pos = gt + 1;
    if (raw.startsWith('</')) {
      const name = raw.slice(2, -1).trim();
      if (stack.pop() !== name) throw new XmlRewriteError('mismatched end tag');
      scopes.pop();
      if (dropDepth >= 0 && stack.length === dropDepth) {
        dropDepth = -1;
        if (replacing !== undefined) {
          edit.onReplaced?.(replacing.el, xml.slice(replacing.from, lt));
          out.push(replacing.text, raw);
          replacing = undefined;
        }
        continue;
      }
      if (dropDepth < 0) out.push(raw);
      continue;
    }
    const selfClosing = raw.endsWith('/>');
    const { name, attrs } = parseTag(raw.slice(1, selfClosing ? -2 : -1));
    if (dropDepth >= 0) {
      if (!selfClosing) {
        stack.push(name);
        scopes.push(new Map());
      }
      continue;
    }
    const scope = new Map<string, string>();
    for (const a of attrs) {
      if (a.qname === 'xmlns') scope.set('', a.raw);
      else if (a.qname.startsWith('xmlns:')) scope.set(a.qname.slice(6), a.raw);
    }
    scopes.push(scope);
    const en = split(name);
    const el: XmlName = { qname: name, ns: resolve(en.prefix), local: en.local };
    if (edit.dropElement?.(el, new Map(attrs.map((a) => [a.qname, a.raw])))) {
      scopes.pop();
      if (!selfClosing) {
        stack.push(name);
        scopes.push(scope);
        dropDepth = stack.length - 1;
      }
      continue;
    }
    let changed = false;
    const kept: string[] = [];
    for (const a of attrs) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) {
        kept.push(`${a.qname}=${a.quote}${a.raw}${a.quote}`);
        continue;
      }
      const an = split(a.qname);
      const attr: XmlName = { qname: a.qname, ns: an.prefix ? resolve(an.prefix) : '', local: an.local };
      const v = edit.attribute?.(el, attr, a.raw);
      if (v === null) changed = true;
      else if (v !== undefined && v !== a.raw) {
        changed = true;
        kept.push(`${a.qname}="${v}"`);
      } else kept.push(`${a.qname}=${a.quote}${a.raw}${a.quote}`);
    }
    const tag = changed ? `<${name}${kept.map((k) => ` ${k}`).join('')}${selfClosing ? '/>' : '>'}` : raw;
    const replacement = edit.replaceContent?.(el);
    if (selfClosing) {
      scopes.pop();
      if (replacement !== undefined) edit.onReplaced?.(el, '');
      out.push(replacement !== undefined && replacement !== '' ? `${tag.slice(0, -2)}>${replacement}</${name}>` : tag);
      continue;
    }
    stack.push(name);
    out.push(tag);
    if (replacement !== undefined) {
      replacing = { el, text: replacement, from: pos };
      dropDepth = stack.length - 1;
    }
  }
  if (stack.length > 0 && dropDepth < 0) throw new XmlRewriteError('unclosed element');
  return out.join('');
}

/** Original content of the first element matching `match` (entities left escaped), or undefined. */
export function firstElementText(xml: string, match: (el: XmlName) => boolean): string | undefined {
  let found: string | undefined;
  rewriteXml(xml, {
    replaceContent: (el) => (found === undefined && match(el) ? '' : undefined),
    onReplaced: (_el, content) => {
      found ??= content;
    },
  });
  return found;
}

export function escapeXmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
