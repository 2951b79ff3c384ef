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
  return new XmlRewriter(xml, edit).run();
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** One pass over one part: the text between tags is copied, each tag handed to the markup, end-tag or start-tag stage. */
class XmlRewriter {
  readonly #out: string[] = [];
  readonly #scopes: Map<string, string>[] = [new Map([['xml', XML_NAMESPACE]])];
  readonly #stack: string[] = [];
  /** Stack depth at which dropping (or content replacement) started; -1: not dropping. */
  #dropDepth = -1;
  #replacing: { el: XmlName; text: string; from: number } | undefined;
  #pos = 0;

  constructor(
    private readonly xml: string,
    private readonly edit: XmlEdit,
  ) {}

  run(): string {
    const xml = this.xml;
    while (this.#pos < xml.length) {
      const lt = xml.indexOf('<', this.#pos);
      if (lt < 0) {
        this.#emit(xml.slice(this.#pos));
        break;
      }
      if (lt > this.#pos) this.#emit(xml.slice(this.#pos, lt));
      if (xml.startsWith('<!', lt) || xml.startsWith('<?', lt)) {
        this.#pos = this.#markup(lt);
        continue;
      }
      const gt = tagEnd(xml, lt);
      const raw = xml.slice(lt, gt + 1);
      this.#pos = gt + 1;
      if (raw.startsWith('</')) this.#endTag(raw, lt);
      else this.#startTag(raw);
    }
    if (this.#stack.length > 0 && this.#dropDepth < 0) throw new XmlRewriteError('unclosed element');
    return this.#out.join('');
  }

  /** Output, unless inside a dropped element or one whose content is replaced. */
  #emit(text: string): void {
    if (this.#dropDepth < 0) this.#out.push(text);
  }

  #resolve(prefix: string): string {
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      const ns = this.#scopes[i]?.get(prefix);
      if (ns !== undefined) return ns;
    }
    return '';
  }

  /** A comment (dropped), CDATA or a processing instruction (kept); a DOCTYPE or other declaration is refused. Returns where the text goes on. */
  #markup(lt: number): number {
    const xml = this.xml;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlRewriteError('unterminated comment');
      return end + 3;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new XmlRewriteError('unterminated CDATA');
      this.#emit(xml.slice(lt, end + 3));
      return end + 3;
    }
    if (xml.startsWith('<!', lt)) throw new XmlRewriteError('DOCTYPE or markup declaration');
    const end = xml.indexOf('?>', lt + 2);
    if (end < 0) throw new XmlRewriteError('unterminated processing instruction');
    this.#emit(xml.slice(lt, end + 2));
    return end + 2;
  }

  /** `raw` ends the element on top of the stack; at the end of a dropped or replaced element, output resumes (with the replacement). */
  #endTag(raw: string, lt: number): void {
    const name = raw.slice(2, -1).trim();
    if (this.#stack.pop() !== name) throw new XmlRewriteError('mismatched end tag');
    this.#scopes.pop();
    if (this.#dropDepth >= 0 && this.#stack.length === this.#dropDepth) {
      this.#dropDepth = -1;
      const replacing = this.#replacing;
      if (replacing !== undefined) {
        this.edit.onReplaced?.(replacing.el, this.xml.slice(replacing.from, lt));
        this.#out.push(replacing.text, raw);
        this.#replacing = undefined;
      }
      return;
    }
    this.#emit(raw);
  }

  /** A start (or empty-element) tag: dropped with its element, kept with its attributes edited, its content replaced. */
  #startTag(raw: string): void {
    const selfClosing = raw.endsWith('/>');
    const { name, attrs } = parseTag(raw.slice(1, selfClosing ? -2 : -1));
    if (this.#dropDepth >= 0) {
      if (!selfClosing) {
        this.#stack.push(name);
        this.#scopes.push(new Map());
      }
      return;
    }
    this.#scopes.push(namespaceScope(attrs));
    const en = split(name);
    const el: XmlName = { qname: name, ns: this.#resolve(en.prefix), local: en.local };
    if (this.edit.dropElement?.(el, new Map(attrs.map((a) => [a.qname, a.raw])))) {
      if (selfClosing) this.#scopes.pop();
      else {
        this.#stack.push(name);
        this.#dropDepth = this.#stack.length - 1;
      }
      return;
    }
    const tag = this.#editedTag(raw, el, attrs, selfClosing);
    const replacement = this.edit.replaceContent?.(el);
    if (selfClosing) {
      this.#scopes.pop();
      if (replacement !== undefined) this.edit.onReplaced?.(el, '');
      this.#out.push(replacement !== undefined && replacement !== '' ? `${tag.slice(0, -2)}>${replacement}</${name}>` : tag);
      return;
    }
    this.#stack.push(name);
    this.#out.push(tag);
    if (replacement !== undefined) {
      this.#replacing = { el, text: replacement, from: this.#pos };
      this.#dropDepth = this.#stack.length - 1;
    }
  }

  /** The tag with its attributes dropped or rewritten as `edit.attribute` says; `raw` itself when none changed. */
  #editedTag(raw: string, el: XmlName, attrs: readonly Attr[], selfClosing: boolean): string {
    let changed = false;
    const kept: string[] = [];
    for (const a of attrs) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) {
        kept.push(`${a.qname}=${a.quote}${a.raw}${a.quote}`);
        continue;
      }
      const an = split(a.qname);
      const attr: XmlName = { qname: a.qname, ns: an.prefix ? this.#resolve(an.prefix) : '', local: an.local };
      const v = this.edit.attribute?.(el, attr, a.raw);
      if (v === null) changed = true;
      else if (v !== undefined && v !== a.raw) {
        changed = true;
        kept.push(`${a.qname}="${v}"`);
      } else kept.push(`${a.qname}=${a.quote}${a.raw}${a.quote}`);
    }
    return changed ? `<${el.qname}${kept.map((k) => ` ${k}`).join('')}${selfClosing ? '/>' : '>'}` : raw;
  }
}

/** The namespace declarations (xmlns, xmlns:p) among a tag's attributes. */
function namespaceScope(attrs: readonly Attr[]): Map<string, string> {
  const scope = new Map<string, string>();
  for (const a of attrs) {
    if (a.qname === 'xmlns') scope.set('', a.raw);
    else if (a.qname.startsWith('xmlns:')) scope.set(a.qname.slice(6), a.raw);
  }
  return scope;
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
