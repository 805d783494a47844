/** The last few lines of a command's output on one line: what an error message shows of it. */
export function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' / ');
}
