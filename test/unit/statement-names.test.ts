import { describe, expect, it } from 'vitest';
import { statementNames } from '../../src/core/store/statement-names.ts';

const q = (sql: string, args: unknown[] = [1]) => ({ sql, args });

describe('names of prepared statements', () => {
  it('a text is named the second time it is sent, and keeps its name; different texts get different names', () => {
    const name = statementNames();
    expect(name(q('SELECT $1'))).toBe('');
    const first = name(q('SELECT $1'));
    expect(first).not.toBe('');
    expect(name(q('SELECT $1'))).toBe(first);
    name(q('SELECT $1 + 1'));
    const second = name(q('SELECT $1 + 1'));
    expect(second).not.toBe('');
    expect(second).not.toBe(first);
  });

  it('a text has the same name in every process (another generator), whatever was named before it, so that a name never means another statement', () => {
    const [a, b] = [statementNames(), statementNames()];
    for (const sql of ['SELECT $1', 'SELECT $1', 'SELECT $1 + 1', 'SELECT $1 + 1']) a(q(sql));
    for (const sql of ['SELECT $1 + 1', 'SELECT $1 + 1']) b(q(sql));
    expect(b(q('SELECT $1 + 1'))).toBe(a(q('SELECT $1 + 1')));
    expect(b(q('SELECT $1 + 1'))).not.toBe(a(q('SELECT $1')));
  });

  it('never names a statement without parameters (a migration script of several statements must go unnamed)', () => {
    const name = statementNames();
    for (let i = 0; i < 3; i++) expect(name(q('CREATE TABLE a (id int); CREATE TABLE b (id int);', []))).toBe('');
  });

  it('names no more than `max` texts: later ones go unnamed however often they are sent, the named keep their names', () => {
    const name = statementNames(2);
    for (const sql of ['a', 'a', 'b', 'b']) name(q(sql));
    const named = [name(q('a')), name(q('b'))];
    for (let i = 0; i < 5; i++) expect(name(q('c'))).toBe('');
    expect([name(q('a')), name(q('b'))]).toEqual(named);
  });

  it('remembers a bounded number of texts sent once: past it, one sent once before must come twice again', () => {
    const name = statementNames(100, 3);
    name(q('x'));
    for (const sql of ['1', '2', '3']) name(q(sql)); // the memory of texts sent once is full, then begins again
    expect(name(q('x'))).toBe('');
    expect(name(q('x'))).not.toBe('');
  });
});
