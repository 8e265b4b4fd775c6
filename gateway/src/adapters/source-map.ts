// Where each value of an imported document came from, kept per row and column rather than as one string key per
// value: a 20,000-row list fills over 300,000 pointers, and building, hashing and collecting those keys was the
// largest part of an import (profiled). A location is made when it is asked for.

/** Where a value of the document came from in the source file. */
export interface SourceLocation {
  row: number;
  column: string;
  header: string;
}

/** JSON Pointer of a value in the document → the source cell it came from. Reads like a ReadonlyMap. */
export class SourceMap {
  /** The file row of each document row. */
  private readonly fileRows: number[] = [];
  /** Per document row: suffix id → source column index (undefined where the row has no such value). */
  private readonly cells: (number | undefined)[][] = [];
  private readonly suffixIds = new Map<string, number>();
  private readonly suffixes: string[] = [];

  /**
   * @param rowsPointer the pointer of the rows array, e.g. /body/rows
   * @param columns the letter and header text of each source column, by column index
   */
  constructor(
    private readonly rowsPointer: string,
    private readonly columns: ReadonlyArray<{ column: string; header: string }>,
  ) {}

  /** Starts document row `index` (the next one), read from file row `fileRow`. */
  addRow(fileRow: number): number {
    this.fileRows.push(fileRow);
    this.cells.push([]);
    return this.fileRows.length - 1;
  }

  /** The value at rows/`index` + `suffix` (a pointer suffix such as /person/lastName) came from column `column`. */
  set(index: number, suffix: string, column: number): void {
    this.setId(index, this.idOf(suffix), column);
  }

  /** The number a pointer suffix is kept under (for setId: a column's suffix looked up once, not per row). */
  idOf(suffix: string): number {
    let id = this.suffixIds.get(suffix);
    if (id === undefined) {
      id = this.suffixes.length;
      this.suffixIds.set(suffix, id);
      this.suffixes.push(suffix);
    }
    return id;
  }

  setId(index: number, id: number, column: number): void {
    this.cells[index]![id] = column;
  }

  get(pointer: string): SourceLocation | undefined {
    const prefix = this.rowsPointer;
    if (pointer.length <= prefix.length + 1 || !pointer.startsWith(prefix) || pointer[prefix.length] !== '/')
      return undefined;
    const slash = pointer.indexOf('/', prefix.length + 1);
    if (slash < 0) return undefined;
    const digits = pointer.slice(prefix.length + 1, slash);
    if (!/^(?:0|[1-9]\d*)$/.test(digits)) return undefined;
    const index = Number(digits);
    const id = this.suffixIds.get(pointer.slice(slash));
    if (id === undefined || index >= this.cells.length) return undefined;
    const column = this.cells[index]![id];
    return column === undefined ? undefined : this.location(index, column);
  }

  has(pointer: string): boolean {
    return this.get(pointer) !== undefined;
  }

  get size(): number {
    let n = 0;
    for (const row of this.cells) for (const c of row) if (c !== undefined) n++;
    return n;
  }

  /** Row by row; within a row in the order the values were first seen. */
  *entries(): IterableIterator<[string, SourceLocation]> {
    for (let index = 0; index < this.cells.length; index++) {
      const row = this.cells[index]!;
      for (let id = 0; id < row.length; id++) {
        const column = row[id];
        if (column !== undefined)
          yield [`${this.rowsPointer}/${index}${this.suffixes[id]!}`, this.location(index, column)];
      }
    }
  }

  [Symbol.iterator](): IterableIterator<[string, SourceLocation]> {
    return this.entries();
  }

  /** The file row of the document row a pointer lies in (/body/rows/3/…), when that row has any located value. */
  fileRowOf(pointer: string): number | undefined {
    const m = /^\/(?:0|[1-9]\d*)(?=\/|$)/.exec(pointer.slice(this.rowsPointer.length));
    if (!m || !pointer.startsWith(this.rowsPointer)) return undefined;
    const row = this.cells[Number(m[0].slice(1))];
    return row?.some((c) => c !== undefined) ? this.fileRows[Number(m[0].slice(1))] : undefined;
  }

  private location(index: number, column: number): SourceLocation {
    const c = this.columns[column]!;
    return { row: this.fileRows[index]!, column: c.column, header: c.header };
  }
}
