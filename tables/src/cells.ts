// What every reader of a table yields, apart from the readers so none imports another for its types.
/** One cell as read from a file: text, a number, or a date (Excel dates arrive as Date). */
export type CellValue = string | number | Date | null;

/** A row of a source file with its 1-based row number in that file, so errors can name it. */
export interface SourceRow {
  rowNumber: number;
  cells: CellValue[];
}
