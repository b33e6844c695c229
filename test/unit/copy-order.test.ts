/** The order the move to PostgreSQL copies tables in: every foreign key holds as rows arrive, or is set aside and put back. */
import { describe, expect, it } from 'vitest';
import { copyOrder, type ForeignKey } from '../../src/core/store/copy-order.ts';

const fk = (table: string, references: string, name = `${table}_${references}_fkey`): ForeignKey => ({ name, table, references });

describe('the order tables are copied in', () => {
  it('a table comes after every table it references: areas, then groups, then chats, then the outbox', () => {
    const { tables, setAside } = copyOrder(
      ['Delivery', 'ChatLink', 'Broadcast', 'CommunicationGroup', 'Area', 'Person', 'RateClock'],
      [fk('CommunicationGroup', 'Area'), fk('ChatLink', 'CommunicationGroup'), fk('ChatLink', 'Person'), fk('Delivery', 'ChatLink'), fk('Delivery', 'Broadcast')],
    );
    expect(tables).toHaveLength(7);
    const before = (a: string, b: string) => expect(tables.indexOf(a), `${a} before ${b}`).toBeLessThan(tables.indexOf(b));
    before('Area', 'CommunicationGroup');
    before('CommunicationGroup', 'ChatLink');
    before('Person', 'ChatLink');
    before('ChatLink', 'Delivery');
    before('Broadcast', 'Delivery');
    expect(setAside).toEqual([]);
  });

  it('an area that names its parent area: the parent key is set aside while copying, the table still ordered among the others', () => {
    const parent = fk('Area', 'Area', 'Area_parentId_fkey');
    const { tables, setAside } = copyOrder(['CommunicationGroup', 'Area'], [parent, fk('CommunicationGroup', 'Area')]);
    expect(tables).toEqual(['Area', 'CommunicationGroup']);
    expect(setAside).toEqual([parent]);
  });

  it('two tables that reference each other: the ring is broken at the first by name, that key alone set aside', () => {
    const { tables, setAside } = copyOrder(['B', 'A', 'C'], [fk('A', 'B'), fk('B', 'A'), fk('C', 'A')]);
    expect(tables).toEqual(['A', 'B', 'C']);
    expect(setAside).toEqual([fk('A', 'B')]);
  });

  it('a table nobody named before (added by a later migration) is carried too; keys to tables not copied are ignored', () => {
    const { tables, setAside } = copyOrder(['Area', 'NewThing'], [fk('NewThing', 'Area'), fk('NewThing', '_prisma_migrations')]);
    expect(tables).toEqual(['Area', 'NewThing']);
    expect(setAside).toEqual([]);
  });
});
