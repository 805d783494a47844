/** Where terminal text may be cut: never between the halves of a surrogate pair, preferably after a line break. */

/** When text is trimmed from the front, the cut goes after a line break found within this many characters. */
const TRIM_LINE_SEARCH_CHARS = 4096;

/** Where to cut `text` to drop at least `min` characters: after a nearby line break, else not inside a surrogate pair. */
export function cutPoint(text: string, min: number): number {
  const newline = text.indexOf('\n', min);
  if (newline >= 0 && newline - min < TRIM_LINE_SEARCH_CHARS) return newline + 1;
  return isLowSurrogate(text.charCodeAt(min)) ? min + 1 : min;
}

/** At most `max` characters of `text`, not ending between the halves of a surrogate pair. */
export function sliceSize(text: string, max: number): number {
  if (text.length <= max) return text.length;
  return isHighSurrogate(text.charCodeAt(max - 1)) && max > 1 ? max - 1 : max;
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
