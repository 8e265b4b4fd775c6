// The contract between the file path (adapters) and the local data that completes a file's rows (the workflows'
// roster): declared here, beside its consumer, so the workflows depend on the adapters and never the reverse.
export interface RowNote {
  /** Relative to the row, e.g. `/patient/policyNumber`. */
  field: string;
  code: string;
  message: string;
}

/**
 * Local data that completes a previewed file before validation, by document type: a clinic's register that names a
 * patient by name and policy only gets birth date and sex from the clinic's roster. Undefined: nothing to complete.
 */
export type ImportCompletion = (
  type: string,
  addressee: string,
) => ((row: Record<string, unknown>) => Promise<RowNote | undefined>) | undefined;
