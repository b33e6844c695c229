/** The web server's operator-facing failures, apart from the server so the commands load no web framework. */

/** The port is taken or cannot be bound: an operator must act. */
export class HttpError extends Error {
  override name = 'HttpError';
}
