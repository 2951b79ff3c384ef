/** Custody-log and verification types shared by main and the renderer. */

export type VerifyCheck =
  | 'vault.header'
  | 'database.integrity'
  | 'event.sequence'
  | 'event.json'
  | 'event.canonical'
  | 'event.fields'
  | 'event.chain'
  | 'event.hash'
  | 'event.signature'
  | 'event.type'
  | 'genesis.key'
  | 'merkle.node'
  | 'checkpoint.signature'
  | 'checkpoint.origin'
  | 'checkpoint.size'
  | 'checkpoint.consistency'
  | 'item.event'
  | 'object.row'
  | 'object.missing'
  | 'object.decrypt'
  | 'object.hash'
  | 'object.size'
  | 'object.name'
  | 'object.orphan'
  | 'external.key'
  | 'external.checkpoint';

export type VerifyProblem = {
  readonly check: VerifyCheck;
  readonly message: string;
  readonly event?: number;
  readonly item?: string;
  readonly object?: string;
  readonly checkpoint?: number;
  readonly expected?: string;
  readonly found?: string;
};

export type VerifyProgress = {
  readonly phase: 'database' | 'events' | 'tree' | 'checkpoints' | 'objects';
  readonly done: number;
  readonly total: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
};

export type VerifyReport = {
  readonly ok: boolean;
  readonly problems: readonly VerifyProblem[];
  readonly events: number;
  readonly checkpoints: number;
  readonly objects: number;
  readonly bytesHashed: number;
  readonly root: string;
};

/** One custody event as shown to people: the parsed canonical JSON plus where it sits. */
export type CustodyEventView = {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly type: string;
  readonly subject: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** The canonical bytes (RFC 8785) as text, exactly what was signed and logged. */
  readonly canonical: string;
};

/** A human label for an id the custody log names (an item's title or file name, a case's title, a pseudonym). */
export type SubjectLabel = { readonly kind: 'item' | 'case' | 'person' | 'testimony'; readonly label: string };
