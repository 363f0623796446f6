export interface Verb {
  name: string;
  summary: string;
  help: string;
  /** Returns the exit status. Throws BpfError for user errors. */
  run(argv: string[]): Promise<number>;
}
