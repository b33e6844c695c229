/** An operator-fixable problem with the database, worded for the operator (one line, their language). */
export class StoreError extends Error {
  override name = 'StoreError';
}
