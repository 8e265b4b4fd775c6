// Flow 1 of docs/architecture.md, insured lists: the clinic applies each list to its roster (accepting it, or rejecting
// it with row errors) and answers coverage from it; the insurer keeps a copy of each clinic's roster from the lists
// that clinic accepted, and a clinic's invoice register is completed from the roster before it is sent.
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { parseMessageId } from '@dmsnet/formats';
import type { InsuredListBody } from '@dmsnet/formats/types';
import type { ImportCompletion, RowNote } from '../adapters/conversion.js';
import { CursorInvalidError } from '../node/cursors.js';
import type { GatewayNode, Notification } from '../node/index.js';
import {
  WORKFLOW_SUBLEVEL,
  isPayer,
  senderAndId,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import type { ProgrammeFlow } from './programme-flow.js';
import {
  migrateRosterIndex,
  personKey,
  Roster,
  ROSTER_CODES,
  type Contract,
  type RosterEntry,
} from './roster.js';
import type { CoverageQuery as CoverageQueryShape, RosterQuery as RosterPageQuery } from './shapes.js';

/** The row index a row error's pointer names (`/body/rows/3/...` → 3), so merged errors keep the rows' order. */
const rowOf = (pointer: string) => Number(/^\/body\/rows\/(\d+)/.exec(pointer)?.[1] ?? -1);

/** The follower's position in the node's notifications, kept beside what it wrote. */
const FOLLOWER_CURSOR_KEY = 'cursor';

/** A name as the roster compares it: case, ё/е and spacing aside. */
const personName = (name: string) => name.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

/** Who is asked about, and on which date (the services asked are passed apart, already parsed). */
export type CoverageQuery = Omit<CoverageQueryShape, 'service'>;
export type { RosterPageQuery };

export class RosterFlow {
  /** This node's own roster (a clinic's). */
  readonly roster: Roster;
  private cursor = 0;
  private running?: Promise<void>;

  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string; contracts?: Contract[] },
    private readonly programmes: ProgrammeFlow,
  ) {
    this.roster = new Roster(node.store);
  }

  /** Follows the node's durable notifications (from a stored cursor) for what the insurer learns from answers. */
  async start(): Promise<void> {
    // Before any coverage question: a roster stored by an older gateway gets the index a search without the
    // отчество reads.
    await migrateRosterIndex(this.node.store);
    this.cursor = (await this.node.store.get<number>(WORKFLOW_SUBLEVEL, FOLLOWER_CURSOR_KEY)) ?? 0;
    this.node.notifications.subscribe(() => this.pump());
    await this.pump();
  }

  private pump(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (;;) {
          const batch = await this.node.notifications.list(this.cursor, 100);
          if (!batch.length) break;
          for (const n of batch) await this.onNotification(n);
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async onNotification(n: Notification): Promise<void> {
    const ops = [];
    if (
      n.kind === 'status.changed' &&
      n.status === 'ACCEPTED' &&
      n.documentType === 'insured-list' &&
      n.sender === this.node.participantId
    ) {
      // The clinic accepted our list: our copy of its roster now holds these people too.
      const view = await this.node.getDocument(n.messageId);
      const doc = view.document as ReceivedDocument;
      const plan = await new Roster(this.node.store, n.addressee).plan(
        {
          documentId: parseMessageId(n.messageId)?.documentId ?? n.messageId,
          insurer: this.node.participantId,
          body: doc.body as unknown as InsuredListBody,
        },
        [],
      );
      ops.push(...plan.ops);
    }
    ops.push(...(await this.programmes.onNotification(n)));
    this.cursor = n.seq;
    await this.node.store.batch([
      ...ops,
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: FOLLOWER_CURSOR_KEY, value: this.cursor },
    ]);
  }

  /** A received insured list: a clinic applies it whole or rejects it with the rows its roster refuses. */
  async receive(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const header = senderAndId(doc);
    const body = doc.body as unknown as InsuredListBody;
    const plan = await this.roster.plan(
      { documentId: header.documentId, insurer: header.sender.ogrn, body },
      this.options.contracts ?? [],
    );
    const programmes = await this.programmeRows(header.sender.ogrn, body);
    const errors = [...plan.errors, ...programmes.errors].sort((a, b) => rowOf(a.pointer) - rowOf(b.pointer));
    if (errors.length)
      return {
        action: 'reject',
        errors,
        comment: 'строки не приняты по списку застрахованных клиники',
      };
    await this.node.store.batch(plan.ops);
    return {
      action: 'accept',
      // Read by the insurer's people in their console: Russian, like the documents themselves.
      comment:
        `принято строк: ${body.rows.length}` +
        (programmes.unheld.length
          ? `; программы ${programmes.unheld.join(', ')} клиника от страховщика не получала`
          : ''),
    };
  }

  /**
   * Rows that attach or change someone under a programme the clinic has not received. Once the insurer has sent this
   * clinic any programme, it is expected to send each one it names, and such a row is refused at its programme code;
   * until then lists keep working as before and the answer only notes the codes.
   */
  private async programmeRows(insurer: string, body: InsuredListBody) {
    const held = await this.programmes.programmes.codes(insurer);
    const unheld = new Set<string>();
    const errors: FieldError[] = [];
    body.rows.forEach((row, i) => {
      if (row.action === 'detach' || held.has(row.programme.code)) return;
      unheld.add(row.programme.code);
      if (held.size)
        errors.push({
          pointer: `/body/rows/${i}/programme/code`,
          code: ROSTER_CODES.programmeUnknown,
          message: 'the clinic has received no programme of this code from the insurer',
        });
    });
    return { errors, unheld: [...unheld] };
  }

  async coverage(query: CoverageQuery) {
    const date = query.date ?? today();
    const entries = query.policy
      ? await this.roster.byPolicy(query.policy)
      : await this.roster.byName(
          query.lastName ?? '',
          query.firstName ?? '',
          query.middleName,
          query.birthDate ?? '',
        );
    // Without the отчество two people may share the rest; an answer about one of them would be a guess.
    const people = new Set(entries.map(personKey));
    if (!query.policy && people.size > 1) {
      throw new DmsnetError(
        'COVERAGE_AMBIGUOUS',
        `${people.size} people in the roster have this name and birth date: give the middle name or the policy`,
        [
          {
            pointer: '/query/middleName',
            code: 'COVERAGE_AMBIGUOUS',
            message: `${people.size} people match without the middle name`,
          },
        ],
      );
    }
    const covering = await this.roster.coverage(entries, date);
    return {
      date,
      covered: covering.length > 0,
      coverage: covering.map((e) => ({
        insurer: e.insurer,
        policyNumber: e.policyNumber,
        programme: e.programme,
        from: e.from,
        to: e.to,
      })),
    };
  }

  /** A page of a roster, filtered; the cursor is the last key served, base64url. */
  async page(query: RosterPageQuery): Promise<{ items: RosterEntry[]; nextCursor?: string }> {
    const roster = this.rosterOf(query.clinic);
    // Cursors are the node's (HMAC-tagged, bound to this list), as on every other paged list, and to one roster.
    const after = query.cursor ? this.node.cursors.read('roster', query.cursor) : undefined;
    if (after !== undefined && !(after > roster.range.gte && after < roster.range.lt))
      throw new CursorInvalidError('it pages another roster');
    const page = await roster.page({
      q: query.q,
      insurer: query.insurer,
      programme: query.programme,
      date: query.date,
      limit: query.limit ? Number(query.limit) : 50,
      after,
    });
    return {
      items: page.items,
      ...(page.next ? { nextCursor: this.node.cursors.issue('roster', page.next) } : {}),
    };
  }

  /**
   * A clinic reads its own roster; an insurer (or assistance company) the copy it keeps of each clinic's, holding the
   * people of its own lists that clinic accepted.
   */
  private rosterOf(clinic: string | undefined): Roster {
    const payer = isPayer(this.options.role);
    if (payer && !clinic) {
      throw new DmsnetError('REQUEST_INVALID', 'an insurer keeps a roster copy per clinic: name the clinic', [
        { pointer: '/query/clinic', code: 'REQUEST_REQUIRED', message: 'the clinic’s ОГРН' },
      ]);
    }
    if (!payer && clinic && clinic !== this.node.participantId) {
      throw new DmsnetError('REQUEST_INVALID', 'a clinic reads its own roster only', [
        {
          pointer: '/query/clinic',
          code: 'REQUEST_INVALID',
          message: 'only this clinic’s own ОГРН, or none',
        },
      ]);
    }
    return payer ? new Roster(this.node.store, clinic) : this.roster;
  }

  /**
   * A clinic's invoice register names patients by name and policy; the preview fills birth date and sex from the
   * roster (the addressee insurer's entry first) and notes a policy the roster does not know.
   */
  importCompletion(): ImportCompletion {
    return (type, addressee) => {
      if (type !== 'invoice' || this.options.role !== 'clinic') return undefined;
      /** The lists of this insurer that attached the register's patients, by how many rows each attached. */
      const lists = new Map<string, number>();
      const row = async (row: Record<string, unknown>): Promise<RowNote | undefined> => {
        const patient = row.patient as Record<string, unknown> | undefined;
        const policy = patient?.policyNumber;
        if (!patient || typeof policy !== 'string' || !policy.trim()) return undefined;
        const entries = (await this.roster.byPolicy(policy)).sort(
          (a, b) =>
            Number(b.insurer === addressee) - Number(a.insurer === addressee) || b.from.localeCompare(a.from),
        );
        const entry = entries[0];
        if (!entry)
          return {
            field: '/patient/policyNumber',
            code: 'ROSTER_POLICY_UNKNOWN',
            message: 'the policy number is not in the clinic’s roster',
          };
        if (entry.insurer === addressee) lists.set(entry.listId, (lists.get(entry.listId) ?? 0) + 1);
        patient.birthDate ??= entry.person.birthDate;
        if (entry.person.sex) patient.sex ??= entry.person.sex;
        // A wrong name under a known policy is what the insurer's check withholds as a stranger: say so before sending.
        const same = (given: unknown, held: string | undefined) =>
          typeof given !== 'string' || held === undefined || personName(given) === personName(held);
        if (
          !same(patient.lastName, entry.person.lastName) ||
          !same(patient.firstName, entry.person.firstName) ||
          (patient.middleName !== undefined && !same(patient.middleName, entry.person.middleName))
        ) {
          return {
            field: '/patient/lastName',
            code: 'ROSTER_NAME_DIFFERS',
            message: 'the roster names another person under this policy number',
          };
        }
        return undefined;
      };
      // A register names no contract: it is the one of the insured list that attached most of its patients.
      const body = async (register: Record<string, unknown>): Promise<void> => {
        if (register.contract !== undefined) return;
        const [listId] = [...lists].sort((x, y) => y[1] - x[1])[0] ?? [];
        if (!listId) return;
        const list = (await this.node.getDocument(`${addressee}:${listId}`).catch(() => undefined))
          ?.document as { body?: { contract?: unknown } } | undefined;
        if (list?.body?.contract) register.contract = structuredClone(list.body.contract);
      };
      return { row, body };
    };
  }
}
