/**
 * The order a database's tables are copied in so that every foreign key holds as the rows arrive:
 * each table after the tables it references. A table that references itself (an area and its
 * parent area), or tables that reference each other in a ring, cannot be put in such an order:
 * those constraints are named to be set aside during the copy and put back — which checks every
 * row against them — before it is committed.
 */

/** A foreign key of `table` that points at `references`. */
export interface ForeignKey {
  name: string;
  table: string;
  references: string;
}

export interface CopyOrder {
  /** Every table, referenced ones first. */
  tables: string[];
  /** The foreign keys no order satisfies: set aside while copying, put back at the end. */
  setAside: ForeignKey[];
}

/**
 * Orders `tables` by `foreignKeys` (keys to tables outside `tables` are ignored). Deterministic: of
 * the tables ready at a step, the first by name goes first; in a ring, the first by name breaks it.
 */
export function copyOrder(tables: readonly string[], foreignKeys: readonly ForeignKey[]): CopyOrder {
  const known = new Set(tables);
  const keys = foreignKeys.filter((fk) => known.has(fk.table) && known.has(fk.references));
  const setAside = keys.filter((fk) => fk.table === fk.references);
  const placed = new Set<string>();
  const order: string[] = [];
  const remaining = [...known].sort();
  const waitsFor = (table: string) => keys.filter((fk) => fk.table === table && fk.references !== table && !placed.has(fk.references) && !setAside.includes(fk));
  while (remaining.length > 0) {
    let next = remaining.find((table) => waitsFor(table).length === 0);
    if (next === undefined) {
      // A ring: the first table by name goes now, its keys to tables not yet copied set aside.
      next = remaining[0]!;
      setAside.push(...waitsFor(next));
    }
    placed.add(next);
    order.push(next);
    remaining.splice(remaining.indexOf(next), 1);
  }
  return { tables: order, setAside };
}
