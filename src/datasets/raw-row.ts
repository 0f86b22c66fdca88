/** A row as a reader parsed it, before it is checked: its value and the line it started on. */
export interface RawRow {
  value: unknown;
  line: number;
}
