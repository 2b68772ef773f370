/** One line describing why a file cannot be used, e.g. "/x/config.json is not valid (Unexpected token…)". */
export function describeFileProblem(
  path: string,
  state: { status: 'corrupt' | 'unreadable'; message: string },
): string {
  const what = state.status === 'corrupt' ? 'is not valid' : 'cannot be read';
  return `${path} ${what} (${state.message.replace(/\s+/g, ' ').trim()})`;
}
