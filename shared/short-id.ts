/** Characters of a commit id or content hash shown to people: enough to be unique in any real repository. */
export const SHORT_ID_CHARS = 12;

/** The start of a commit id or hash, as messages show it. */
export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_CHARS);
}
